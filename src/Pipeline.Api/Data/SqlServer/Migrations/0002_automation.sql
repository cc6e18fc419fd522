-- Stage automation: rules and the exactly-once inbox. Same tables and columns as the SQLite script.

CREATE TABLE dbo.AutomationRules (
    Id            BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_AutomationRules PRIMARY KEY,
    TenantId      NVARCHAR(64) COLLATE Latin1_General_100_BIN2  NOT NULL CONSTRAINT FK_AutomationRules_Tenant REFERENCES dbo.Tenants (Id),
    EventType     NVARCHAR(100)  NOT NULL,
    TargetStageId BIGINT        NOT NULL,
    TeamId        BIGINT        NULL,
    ForwardOnly   BIT           NOT NULL CONSTRAINT DF_AutomationRules_ForwardOnly DEFAULT 1,
    Enabled       BIT           NOT NULL CONSTRAINT DF_AutomationRules_Enabled DEFAULT 1,
    Sequence      INT           NOT NULL,
    Version       BIGINT        NOT NULL CONSTRAINT DF_AutomationRules_Version DEFAULT 1,
    CreatedAtMs   BIGINT        NOT NULL,
    UpdatedAtMs   BIGINT        NOT NULL,
    CONSTRAINT UQ_AutomationRules_Tenant_Id UNIQUE (TenantId, Id),
    CONSTRAINT FK_AutomationRules_Stage FOREIGN KEY (TenantId, TargetStageId) REFERENCES dbo.Stages (TenantId, Id)
);
CREATE INDEX IX_AutomationRules_Event ON dbo.AutomationRules (TenantId, EventType, Sequence);
CREATE INDEX IX_AutomationRules_Target ON dbo.AutomationRules (TenantId, TargetStageId);

CREATE TABLE dbo.InboxEvents (
    Id           BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_InboxEvents PRIMARY KEY,
    TenantId     NVARCHAR(64) COLLATE Latin1_General_100_BIN2  NOT NULL,
    EventId      NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NOT NULL,
    Fingerprint  NCHAR(64)      NOT NULL,
    EventType    NVARCHAR(100)  NOT NULL,
    Payload      NVARCHAR(MAX) NOT NULL,
    Response     NVARCHAR(MAX) NOT NULL,
    ReceivedAtMs BIGINT        NOT NULL,
    CONSTRAINT UQ_InboxEvents_Tenant_Event UNIQUE (TenantId, EventId)
);
CREATE INDEX IX_InboxEvents_Received ON dbo.InboxEvents (ReceivedAtMs, Id);
