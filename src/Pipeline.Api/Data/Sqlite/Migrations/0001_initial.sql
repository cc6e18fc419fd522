-- Pipeline schema, SQLite. Ids are global identities; every row carries its tenant and every foreign key
-- includes it, so the database itself refuses a cross-tenant reference. Probabilities are hundredths of a
-- percent and money is cents (exact integers); times are UTC Unix milliseconds (portable arithmetic).

CREATE TABLE Tenants (
    Id              TEXT    NOT NULL PRIMARY KEY,
    ProvisionedAtMs INTEGER NOT NULL,
    -- Bumped by every stage configuration command: serialises them per tenant on both engines.
    StagesRevision  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE Stages (
    Id              INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId        TEXT    NOT NULL REFERENCES Tenants (Id),
    Name            TEXT    NOT NULL,
    Sequence        INTEGER NOT NULL,
    TeamId          INTEGER NULL,
    Folded          INTEGER NOT NULL DEFAULT 0,
    ProbabilityBp   INTEGER NULL CHECK (ProbabilityBp BETWEEN 0 AND 10000),
    AutoProbability INTEGER NOT NULL DEFAULT 0,
    IsClosing       INTEGER NOT NULL DEFAULT 0,
    Version         INTEGER NOT NULL DEFAULT 1,
    CreatedAtMs     INTEGER NOT NULL,
    UpdatedAtMs     INTEGER NOT NULL,
    CONSTRAINT UQ_Stages_Tenant_Id UNIQUE (TenantId, Id)
);
CREATE INDEX IX_Stages_Tenant_Sequence ON Stages (TenantId, Sequence, Id);
CREATE UNIQUE INDEX UX_Stages_Tenant_Closing ON Stages (TenantId) WHERE IsClosing = 1;

CREATE TABLE Opportunities (
    Id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId             TEXT    NOT NULL REFERENCES Tenants (Id),
    Name                 TEXT    NOT NULL,
    TeamId               INTEGER NULL,
    StageId              INTEGER NOT NULL,
    ProbabilityBp        INTEGER NOT NULL CHECK (ProbabilityBp BETWEEN 0 AND 10000),
    ProbabilitySource    TEXT    NOT NULL CHECK (ProbabilitySource IN ('stage', 'manual')),
    ExpectedRevenueCents INTEGER NOT NULL DEFAULT 0,
    Active               INTEGER NOT NULL DEFAULT 1,
    Outcome              TEXT    NOT NULL CHECK (Outcome IN ('open', 'won', 'lost')),
    LostReason           TEXT    NULL,
    StageChangedAtMs     INTEGER NOT NULL,
    ExternalRef          TEXT    NULL,
    Version              INTEGER NOT NULL DEFAULT 1,
    CreatedAtMs          INTEGER NOT NULL,
    UpdatedAtMs          INTEGER NOT NULL,
    CONSTRAINT UQ_Opportunities_Tenant_Id UNIQUE (TenantId, Id),
    CONSTRAINT FK_Opportunities_Stage FOREIGN KEY (TenantId, StageId) REFERENCES Stages (TenantId, Id)
);
-- Deletion guard counts and per-stage lists (keyset on Id).
CREATE INDEX IX_Opportunities_Stage ON Opportunities (TenantId, StageId, Active, Id);
-- SetProbability's set-based reassignment.
CREATE INDEX IX_Opportunities_Reassign ON Opportunities (TenantId, StageId, Outcome, ProbabilitySource);
CREATE INDEX IX_Opportunities_Team ON Opportunities (TenantId, TeamId, Id);
CREATE UNIQUE INDEX UX_Opportunities_ExternalRef ON Opportunities (TenantId, ExternalRef) WHERE ExternalRef IS NOT NULL;

-- Stage changes, append-only. No foreign key to Stages: history keeps the ids and names as they were,
-- so deleting a stage never breaks it.
CREATE TABLE OpportunityHistory (
    Id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    TenantId            TEXT    NOT NULL,
    OpportunityId       INTEGER NOT NULL,
    OccurredAtMs        INTEGER NOT NULL,
    Cause               TEXT    NOT NULL,
    FromStageId         INTEGER NULL,
    FromStageName       TEXT    NULL,
    ToStageId           INTEGER NOT NULL,
    ToStageName         TEXT    NOT NULL,
    ProbabilityBeforeBp INTEGER NULL,
    ProbabilityAfterBp  INTEGER NOT NULL,
    RuleId              INTEGER NULL,
    EventId             TEXT    NULL,
    Actor               TEXT    NOT NULL,
    CONSTRAINT FK_OpportunityHistory_Opportunity FOREIGN KEY (TenantId, OpportunityId) REFERENCES Opportunities (TenantId, Id)
);
CREATE INDEX IX_OpportunityHistory_Opportunity ON OpportunityHistory (TenantId, OpportunityId, Id);

CREATE TRIGGER TR_OpportunityHistory_NoUpdate BEFORE UPDATE ON OpportunityHistory
BEGIN
    SELECT RAISE(ABORT, 'OpportunityHistory is append-only');
END;

CREATE TRIGGER TR_OpportunityHistory_NoDelete BEFORE DELETE ON OpportunityHistory
BEGIN
    SELECT RAISE(ABORT, 'OpportunityHistory is append-only');
END;
