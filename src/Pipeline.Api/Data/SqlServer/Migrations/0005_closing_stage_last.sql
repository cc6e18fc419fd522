-- The closing stage is always the last column. Earlier versions let a new column or a reorder put a stage after
-- it; such a tenant's closing stage moves back to the end (its version changes, as with any reorder).

UPDATE dbo.Stages
SET Sequence = (SELECT MAX(s.Sequence) + 1 FROM dbo.Stages s WHERE s.TenantId = dbo.Stages.TenantId),
    Version = Version + 1
WHERE IsClosing = 1
  AND EXISTS (SELECT 1 FROM dbo.Stages later WHERE later.TenantId = dbo.Stages.TenantId AND later.Sequence > dbo.Stages.Sequence);
