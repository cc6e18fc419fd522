-- The board at any size: its totals are read from this index alone (every column they use is in it), and its
-- stale counts from a range of the second (entered before the column's rotting days), never from the table.
CREATE INDEX IX_Opportunities_Totals ON Opportunities (TenantId, Active, StageId, ProbabilityBp, TeamId, ExpectedRevenueCents);
CREATE INDEX IX_Opportunities_StageDate ON Opportunities (TenantId, StageId, Active, StageChangedAtMs);
