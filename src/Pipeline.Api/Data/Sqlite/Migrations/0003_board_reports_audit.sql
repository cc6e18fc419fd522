-- Board and reports: stale ("rotting") opportunities per stage, indexes for the board and the reports,
-- and the audit of every stage configuration change.

ALTER TABLE Stages ADD COLUMN RottingDays INTEGER NOT NULL DEFAULT 0;

-- Stale opportunities oldest first; won revenue over a range; conversion of opportunities created in a range.
CREATE INDEX IX_Opportunities_StageChanged ON Opportunities (TenantId, Active, StageChangedAtMs, Id);
CREATE INDEX IX_Opportunities_Created ON Opportunities (TenantId, CreatedAtMs);
-- Conversion (who reached which stage) and durations (stays ordered per opportunity).
CREATE INDEX IX_OpportunityHistory_ToStage ON OpportunityHistory (TenantId, ToStageId, OpportunityId);

CREATE TABLE StageAudit (
    Id           INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId     TEXT    NOT NULL,
    StageId      INTEGER NOT NULL,
    StageName    TEXT    NOT NULL,
    Action       TEXT    NOT NULL,
    Fields       TEXT    NOT NULL,
    Before       TEXT    NULL,
    After        TEXT    NULL,
    Actor        TEXT    NOT NULL,
    OccurredAtMs INTEGER NOT NULL
);
CREATE INDEX IX_StageAudit_Stage ON StageAudit (TenantId, StageId, Id);
CREATE INDEX IX_StageAudit_Tenant ON StageAudit (TenantId, Id);
