-- Board and reports: rotting days, indexes, stage audit. Same tables and columns as the SQLite script.

ALTER TABLE dbo.Stages ADD RottingDays INT NOT NULL CONSTRAINT DF_Stages_RottingDays DEFAULT 0;

CREATE INDEX IX_Opportunities_StageChanged ON dbo.Opportunities (TenantId, Active, StageChangedAtMs, Id);
CREATE INDEX IX_Opportunities_Created ON dbo.Opportunities (TenantId, CreatedAtMs);
CREATE INDEX IX_OpportunityHistory_ToStage ON dbo.OpportunityHistory (TenantId, ToStageId, OpportunityId);

CREATE TABLE dbo.StageAudit (
    Id           BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT PK_StageAudit PRIMARY KEY,
    TenantId     NVARCHAR(64) COLLATE Latin1_General_100_BIN2  NOT NULL,
    StageId      BIGINT        NOT NULL,
    StageName    NVARCHAR(100) NOT NULL,
    Action       NVARCHAR(20)   NOT NULL,
    Fields       NVARCHAR(200)  NOT NULL,
    Before       NVARCHAR(MAX) NULL,
    After        NVARCHAR(MAX) NULL,
    Actor        NVARCHAR(200) NOT NULL,
    OccurredAtMs BIGINT        NOT NULL
);
CREATE INDEX IX_StageAudit_Stage ON dbo.StageAudit (TenantId, StageId, Id);
CREATE INDEX IX_StageAudit_Tenant ON dbo.StageAudit (TenantId, Id);
