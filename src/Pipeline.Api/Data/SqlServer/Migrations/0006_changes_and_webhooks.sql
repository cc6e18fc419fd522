-- Outbound changes: every committed change writes its change records in its own transaction (the outbox).
-- ChangeSequences is each tenant's counter: a writer takes its sequences from it last, and its row lock lasts until
-- commit, so writers commit in sequence order and a reader never finds a lower sequence appearing later.

CREATE TABLE dbo.ChangeSequences (
    TenantId     NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT PK_ChangeSequences PRIMARY KEY,
    LastSequence BIGINT       NOT NULL CONSTRAINT DF_ChangeSequences_LastSequence DEFAULT 0
);
INSERT INTO dbo.ChangeSequences (TenantId, LastSequence) SELECT Id, 0 FROM dbo.Tenants;

CREATE TABLE dbo.Changes (
    Id           BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Changes PRIMARY KEY,
    TenantId     NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    Sequence     BIGINT        NOT NULL,
    ChangeId     NVARCHAR(40) COLLATE Latin1_General_100_BIN2 NOT NULL,
    Type         NVARCHAR(40)  NOT NULL,
    OccurredAtMs BIGINT        NOT NULL,
    Data         NVARCHAR(MAX) NOT NULL,
    CONSTRAINT UQ_Changes_Tenant_Sequence UNIQUE (TenantId, Sequence)
);
CREATE INDEX IX_Changes_OccurredAt ON dbo.Changes (OccurredAtMs, Id);

-- Webhook subscriptions; Types is a comma-separated list, empty for every type.
CREATE TABLE dbo.Webhooks (
    Id                     BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Webhooks PRIMARY KEY,
    TenantId               NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT FK_Webhooks_Tenant REFERENCES dbo.Tenants (Id),
    Url                    NVARCHAR(2000) NOT NULL,
    Types                  NVARCHAR(1000) NOT NULL,
    Description            NVARCHAR(500)  NULL,
    Enabled                BIT            NOT NULL CONSTRAINT DF_Webhooks_Enabled DEFAULT 1,
    Secret                 NVARCHAR(100)  NOT NULL,
    PreviousSecret         NVARCHAR(100)  NULL,
    PreviousSecretUntilMs  BIGINT         NULL,
    Version                BIGINT         NOT NULL CONSTRAINT DF_Webhooks_Version DEFAULT 1,
    CreatedAtMs            BIGINT         NOT NULL,
    UpdatedAtMs            BIGINT         NOT NULL,
    CONSTRAINT UQ_Webhooks_Tenant_Id UNIQUE (TenantId, Id)
);

-- One row per change and webhook: its state and its latest attempt. A lease (token and expiry) marks the attempt an
-- instance is making, so two instances never send it at once and a crashed instance's attempt is taken over.
-- ChangeSequence is null for a webhook.test, whose body is kept in Payload.
CREATE TABLE dbo.WebhookDeliveries (
    Id              BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_WebhookDeliveries PRIMARY KEY,
    TenantId        NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
    WebhookId       BIGINT        NOT NULL,
    ChangeId        NVARCHAR(40) COLLATE Latin1_General_100_BIN2 NOT NULL,
    ChangeType      NVARCHAR(40)  NOT NULL,
    ChangeSequence  BIGINT        NULL,
    Payload         NVARCHAR(MAX) NULL,
    Status          NVARCHAR(10)  NOT NULL CONSTRAINT CK_WebhookDeliveries_Status CHECK (Status IN ('pending', 'delivered', 'failed')),
    Attempts        INT           NOT NULL CONSTRAINT DF_WebhookDeliveries_Attempts DEFAULT 0,
    NextAttemptAtMs BIGINT        NULL,
    LeaseToken      NVARCHAR(40)  NULL,
    LeaseUntilMs    BIGINT        NULL,
    LastAttemptAtMs BIGINT        NULL,
    ResponseStatus  INT           NULL,
    Error           NVARCHAR(500) NULL,
    CreatedAtMs     BIGINT        NOT NULL,
    CONSTRAINT FK_WebhookDeliveries_Webhook FOREIGN KEY (TenantId, WebhookId) REFERENCES dbo.Webhooks (TenantId, Id),
    CONSTRAINT UQ_WebhookDeliveries_Webhook_Change UNIQUE (WebhookId, ChangeId)
);
CREATE INDEX IX_WebhookDeliveries_Webhook ON dbo.WebhookDeliveries (WebhookId, Id);
CREATE INDEX IX_WebhookDeliveries_Due ON dbo.WebhookDeliveries (NextAttemptAtMs) WHERE Status = 'pending';
CREATE INDEX IX_WebhookDeliveries_Created ON dbo.WebhookDeliveries (CreatedAtMs, Id);
-- An instance reads back the attempts it has just leased.
CREATE INDEX IX_WebhookDeliveries_Lease ON dbo.WebhookDeliveries (LeaseToken);
