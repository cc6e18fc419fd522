/// <summary>Outside any namespace, so it wraps every test of the assembly: the apps and containers go at the end.</summary>
[SetUpFixture]
public sealed class AssemblySetUp
{
    [OneTimeTearDown]
    public Task DisposeApps() => PipelineApps.DisposeAllAsync();
}
