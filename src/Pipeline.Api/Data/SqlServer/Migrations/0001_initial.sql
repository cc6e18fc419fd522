-- Pipeline schema, SQL Server. Same tables and columns as the SQLite script of the same version.
-- Probabilities are hundredths of a percent and money is cents (exact integers); times are UTC Unix milliseconds.
-- Identifiers that callers send (tenant ids, external references, event ids) use a binary collation, so that they
-- compare exactly as in SQLite: "ABC" and "abc" are two event ids on both engines. Text columns are all NVARCHAR,
-- the type of the parameters the driver sends for .NET strings, so comparisons need no conversion.

CREATE TABLE dbo.Tenants (
    Id              NVARCHAR(64) COLLATE Latin1_General_100_BIN2 NOT NULL CONSTRAINT PK_Tenants PRIMARY KEY,
    ProvisionedAtMs BIGINT       NOT NULL,
    StagesRevision  BIGINT       NOT NULL CONSTRAINT DF_Tenants_StagesRevision DEFAULT 0
);

CREATE TABLE dbo.Stages (
    Id              BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Stages PRIMARY KEY,
    TenantId        NVARCHAR(64) COLLATE Latin1_General_100_BIN2  NOT NULL CONSTRAINT FK_Stages_Tenant REFERENCES dbo.Tenants (Id),
    Name            NVARCHAR(100) NOT NULL,
    Sequence        INT           NOT NULL,
    TeamId          BIGINT        NULL,
    Folded          BIT           NOT NULL CONSTRAINT DF_Stages_Folded DEFAULT 0,
    ProbabilityBp   INT           NULL CONSTRAINT CK_Stages_Probability CHECK (ProbabilityBp BETWEEN 0 AND 10000),
    AutoProbability BIT           NOT NULL CONSTRAINT DF_Stages_AutoProbability DEFAULT 0,
    IsClosing       BIT           NOT NULL CONSTRAINT DF_Stages_IsClosing DEFAULT 0,
    Version         BIGINT        NOT NULL CONSTRAINT DF_Stages_Version DEFAULT 1,
    CreatedAtMs     BIGINT        NOT NULL,
    UpdatedAtMs     BIGINT        NOT NULL,
    CONSTRAINT UQ_Stages_Tenant_Id UNIQUE (TenantId, Id)
);
CREATE INDEX IX_Stages_Tenant_Sequence ON dbo.Stages (TenantId, Sequence, Id);
CREATE UNIQUE INDEX UX_Stages_Tenant_Closing ON dbo.Stages (TenantId) WHERE IsClosing = 1;

CREATE TABLE dbo.Opportunities (
    Id                   BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Opportunities PRIMARY KEY,
    TenantId             NVARCHAR(64) COLLATE Latin1_General_100_BIN2  NOT NULL CONSTRAINT FK_Opportunities_Tenant REFERENCES dbo.Tenants (Id),
    Name                 NVARCHAR(200) NOT NULL,
    TeamId               BIGINT        NULL,
    StageId              BIGINT        NOT NULL,
    ProbabilityBp        INT           NOT NULL CONSTRAINT CK_Opportunities_Probability CHECK (ProbabilityBp BETWEEN 0 AND 10000),
    ProbabilitySource    NVARCHAR(10)   NOT NULL CONSTRAINT CK_Opportunities_Source CHECK (ProbabilitySource IN ('stage', 'manual')),
    ExpectedRevenueCents BIGINT        NOT NULL CONSTRAINT DF_Opportunities_Revenue DEFAULT 0,
    Active               BIT           NOT NULL CONSTRAINT DF_Opportunities_Active DEFAULT 1,
    Outcome              NVARCHAR(10)   NOT NULL CONSTRAINT CK_Opportunities_Outcome CHECK (Outcome IN ('open', 'won', 'lost')),
    LostReason           NVARCHAR(500) NULL,
    StageChangedAtMs     BIGINT        NOT NULL,
    ExternalRef          NVARCHAR(100) COLLATE Latin1_General_100_BIN2 NULL,
    Version              BIGINT        NOT NULL CONSTRAINT DF_Opportunities_Version DEFAULT 1,
    CreatedAtMs          BIGINT        NOT NULL,
    UpdatedAtMs          BIGINT        NOT NULL,
    CONSTRAINT UQ_Opportunities_Tenant_Id UNIQUE (TenantId, Id),
    CONSTRAINT FK_Opportunities_Stage FOREIGN KEY (TenantId, StageId) REFERENCES dbo.Stages (TenantId, Id)
);
CREATE INDEX IX_Opportunities_Stage ON dbo.Opportunities (TenantId, StageId, Active, Id);
CREATE INDEX IX_Opportunities_Reassign ON dbo.Opportunities (TenantId, StageId, Outcome, ProbabilitySource);
CREATE INDEX IX_Opportunities_Team ON dbo.Opportunities (TenantId, TeamId, Id);
CREATE UNIQUE INDEX UX_Opportunities_ExternalRef ON dbo.Opportunities (TenantId, ExternalRef) WHERE ExternalRef IS NOT NULL;

CREATE TABLE dbo.OpportunityHistory (
    Id                  BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_OpportunityHistory PRIMARY KEY,
    TenantId            NVARCHAR(64) COLLATE Latin1_General_100_BIN2  NOT NULL,
    OpportunityId       BIGINT        NOT NULL,
    OccurredAtMs        BIGINT        NOT NULL,
    Cause               NVARCHAR(20)   NOT NULL,
    FromStageId         BIGINT        NULL,
    FromStageName       NVARCHAR(100) NULL,
    ToStageId           BIGINT        NOT NULL,
    ToStageName         NVARCHAR(100) NOT NULL,
    ProbabilityBeforeBp INT           NULL,
    ProbabilityAfterBp  INT           NOT NULL,
    RuleId              BIGINT        NULL,
    EventId             NVARCHAR(100) NULL,
    Actor               NVARCHAR(200) NOT NULL,
    CONSTRAINT FK_OpportunityHistory_Opportunity FOREIGN KEY (TenantId, OpportunityId) REFERENCES dbo.Opportunities (TenantId, Id)
);
CREATE INDEX IX_OpportunityHistory_Opportunity ON dbo.OpportunityHistory (TenantId, OpportunityId, Id);
GO

CREATE TRIGGER dbo.TR_OpportunityHistory_AppendOnly ON dbo.OpportunityHistory
INSTEAD OF UPDATE, DELETE
AS
BEGIN
    THROW 50001, N'OpportunityHistory is append-only', 1;
END;
