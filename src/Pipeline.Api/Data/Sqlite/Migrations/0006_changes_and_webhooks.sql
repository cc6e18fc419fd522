-- Outbound changes: every committed change writes its change records in its own transaction (the outbox).
-- ChangeSequences is each tenant's counter: a writer takes its sequences from it last, and its row lock lasts until
-- commit, so writers commit in sequence order and a reader never finds a lower sequence appearing later.

CREATE TABLE ChangeSequences (
    TenantId     TEXT    NOT NULL CONSTRAINT PK_ChangeSequences PRIMARY KEY,
    LastSequence INTEGER NOT NULL DEFAULT 0
);
INSERT INTO ChangeSequences (TenantId, LastSequence) SELECT Id, 0 FROM Tenants;

CREATE TABLE Changes (
    Id           INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId     TEXT    NOT NULL,
    Sequence     INTEGER NOT NULL,
    ChangeId     TEXT    NOT NULL,
    Type         TEXT    NOT NULL,
    OccurredAtMs INTEGER NOT NULL,
    Data         TEXT    NOT NULL,
    CONSTRAINT UQ_Changes_Tenant_Sequence UNIQUE (TenantId, Sequence)
);
CREATE INDEX IX_Changes_OccurredAt ON Changes (OccurredAtMs, Id);

-- Webhook subscriptions; Types is a comma-separated list, empty for every type.
CREATE TABLE Webhooks (
    Id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId               TEXT    NOT NULL CONSTRAINT FK_Webhooks_Tenant REFERENCES Tenants (Id),
    Url                    TEXT    NOT NULL,
    Types                  TEXT    NOT NULL,
    Description            TEXT    NULL,
    Enabled                INTEGER NOT NULL DEFAULT 1,
    Secret                 TEXT    NOT NULL,
    PreviousSecret         TEXT    NULL,
    PreviousSecretUntilMs  INTEGER NULL,
    Version                INTEGER NOT NULL DEFAULT 1,
    CreatedAtMs            INTEGER NOT NULL,
    UpdatedAtMs            INTEGER NOT NULL,
    CONSTRAINT UQ_Webhooks_Tenant_Id UNIQUE (TenantId, Id)
);

-- One row per change and webhook: its state and its latest attempt. A lease (token and expiry) marks the attempt an
-- instance is making, so two instances never send it at once and a crashed instance's attempt is taken over.
-- ChangeSequence is null for a webhook.test, whose body is kept in Payload.
CREATE TABLE WebhookDeliveries (
    Id              INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId        TEXT    NOT NULL,
    WebhookId       INTEGER NOT NULL,
    ChangeId        TEXT    NOT NULL,
    ChangeType      TEXT    NOT NULL,
    ChangeSequence  INTEGER NULL,
    Payload         TEXT    NULL,
    Status          TEXT    NOT NULL CONSTRAINT CK_WebhookDeliveries_Status CHECK (Status IN ('pending', 'delivered', 'failed')),
    Attempts        INTEGER NOT NULL DEFAULT 0,
    NextAttemptAtMs INTEGER NULL,
    LeaseToken      TEXT    NULL,
    LeaseUntilMs    INTEGER NULL,
    LastAttemptAtMs INTEGER NULL,
    ResponseStatus  INTEGER NULL,
    Error           TEXT    NULL,
    CreatedAtMs     INTEGER NOT NULL,
    CONSTRAINT FK_WebhookDeliveries_Webhook FOREIGN KEY (TenantId, WebhookId) REFERENCES Webhooks (TenantId, Id),
    CONSTRAINT UQ_WebhookDeliveries_Webhook_Change UNIQUE (WebhookId, ChangeId)
);
CREATE INDEX IX_WebhookDeliveries_Webhook ON WebhookDeliveries (WebhookId, Id);
CREATE INDEX IX_WebhookDeliveries_Due ON WebhookDeliveries (NextAttemptAtMs) WHERE Status = 'pending';
CREATE INDEX IX_WebhookDeliveries_Created ON WebhookDeliveries (CreatedAtMs, Id);
-- An instance reads back the attempts it has just leased.
CREATE INDEX IX_WebhookDeliveries_Lease ON WebhookDeliveries (LeaseToken);
