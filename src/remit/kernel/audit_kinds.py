"""What the audit log records: one kind per entry, named for what happened (past tense). Plain Python.

The store holds these names in ``audit_log.kind`` and checks them there; a new kind needs a migration that
widens that check."""

from __future__ import annotations

from enum import StrEnum


class AuditKind(StrEnum):
    ACTION_REFUSED = "ActionRefused"
    BUG_BOARD_PUBLISHED = "BugBoardPublished"
    BUG_BOARD_UNPUBLISHED = "BugBoardUnpublished"
    BUG_LINKED = "BugLinked"
    BUG_UNLINKED = "BugUnlinked"
    CHANNEL_ADDED = "ChannelAdded"
    CHANNEL_REMOVED = "ChannelRemoved"
    CHARTER_ADOPTED = "CharterAdopted"
    COMMANDER_NAMED = "CommanderNamed"
    COMPONENT_STATUS_SET = "ComponentStatusSet"
    CROSSING_RECORDED = "CrossingRecorded"
    DECISION_AMENDED = "DecisionAmended"
    DECISION_EXPIRED = "DecisionExpired"
    DECISION_OPENED = "DecisionOpened"
    DECISION_SETTLED = "DecisionSettled"
    DECISION_STATE_CHANGED = "DecisionStateChanged"
    DECISION_WITHDRAWN = "DecisionWithdrawn"
    DELIVERY_REQUEUED = "DeliveryRequeued"
    EVIDENCE_ADDED = "EvidenceAdded"
    IMPACT_ANSWERED = "ImpactAnswered"
    INCIDENT_OPENED = "IncidentOpened"
    INCIDENT_UPDATED = "IncidentUpdated"
    ISSUES_IMPORTED = "IssuesImported"
    LOGIN_LINK_ISSUED = "LoginLinkIssued"
    MAINTENANCE_SCHEDULED = "MaintenanceScheduled"
    MAINTENANCE_UPDATED = "MaintenanceUpdated"
    NOTIFY_PREFERENCES_SET = "NotifyPreferencesSet"
    PASSWORD_SET = "PasswordSet"  # noqa: S105 (an audit kind, not a password)
    POSITION_RECORDED = "PositionRecorded"
    POSTMORTEM_LINKED = "PostmortemLinked"
    RULE_ADDED = "RuleAdded"
    RULE_RETIRED = "RuleRetired"
    SESSIONS_ENDED = "SessionsEnded"
    SIGN_IN_FAILED = "SignInFailed"
    SIGN_IN_LIMITED = "SignInLimited"
    STATUS_SUBSCRIBED = "StatusSubscribed"
    STATUS_SUBSCRIBER_REMOVED = "StatusSubscriberRemoved"
    STATUS_SUBSCRIPTION_CONFIRMED = "StatusSubscriptionConfirmed"
    STATUS_UNSUBSCRIBED = "StatusUnsubscribed"
    TIME_ZONE_SET = "TimeZoneSet"
    TOKEN_ISSUED = "TokenIssued"  # noqa: S105
    TOKEN_REVOKED = "TokenRevoked"  # noqa: S105
