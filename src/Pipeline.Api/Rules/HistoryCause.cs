namespace Pipeline.Api.Rules;

/// <summary>Rule 11: why an opportunity's stage changed.</summary>
public enum HistoryCause { Created, Moved, Won, Lost, Reopened, Automation, StageDeleted }
