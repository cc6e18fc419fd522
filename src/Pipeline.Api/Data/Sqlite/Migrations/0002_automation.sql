-- Stage automation: rules that map a business event to a target stage, and the inbox that makes each event
-- apply exactly once. A rule's target is a foreign key: a stage a rule targets cannot disappear under it.

CREATE TABLE AutomationRules (
    Id            INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId      TEXT    NOT NULL REFERENCES Tenants (Id),
    EventType     TEXT    NOT NULL,
    TargetStageId INTEGER NOT NULL,
    TeamId        INTEGER NULL,
    ForwardOnly   INTEGER NOT NULL DEFAULT 1,
    Enabled       INTEGER NOT NULL DEFAULT 1,
    Sequence      INTEGER NOT NULL,
    Version       INTEGER NOT NULL DEFAULT 1,
    CreatedAtMs   INTEGER NOT NULL,
    UpdatedAtMs   INTEGER NOT NULL,
    CONSTRAINT UQ_AutomationRules_Tenant_Id UNIQUE (TenantId, Id),
    CONSTRAINT FK_AutomationRules_Stage FOREIGN KEY (TenantId, TargetStageId) REFERENCES Stages (TenantId, Id)
);
CREATE INDEX IX_AutomationRules_Event ON AutomationRules (TenantId, EventType, Sequence);
CREATE INDEX IX_AutomationRules_Target ON AutomationRules (TenantId, TargetStageId);

CREATE TABLE InboxEvents (
    Id           INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId     TEXT    NOT NULL,
    EventId      TEXT    NOT NULL,
    Fingerprint  TEXT    NOT NULL,
    EventType    TEXT    NOT NULL,
    Payload      TEXT    NOT NULL,
    Response     TEXT    NOT NULL,
    ReceivedAtMs INTEGER NOT NULL,
    CONSTRAINT UQ_InboxEvents_Tenant_Event UNIQUE (TenantId, EventId)
);
CREATE INDEX IX_InboxEvents_Received ON InboxEvents (ReceivedAtMs, Id);
