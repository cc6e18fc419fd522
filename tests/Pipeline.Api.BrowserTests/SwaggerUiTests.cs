using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pipeline.Api.Data;
using Pipeline.Api.Tests.Infrastructure;

namespace Pipeline.Api.BrowserTests;

/// <summary>
/// An operator opens Swagger UI, authorizes with a bearer token and tries the API out. Debian's chromium is the
/// browser (.ci/run installs it); without it the tests are ignored with that reason.
/// </summary>
public sealed class SwaggerUiTests
{
    private const string Chromium = "/usr/bin/chromium";

    private PipelineApp _app = null!;
    private string _address = "";
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!File.Exists(Chromium)) Assert.Ignore($"No browser: {Chromium} is not installed (apt-get install chromium).");
        var file = Path.Combine(Path.GetTempPath(), $"pipeline-browser-{Guid.NewGuid():N}.db");
        _app = new PipelineApp(DatabaseProvider.Sqlite, $"Data Source={file}");
        _app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        _address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    [Test]
    public async Task AnOperator_AuthorizesAndListsTheFiveDefaultStages()
    {
        var page = await OpenSwaggerAsync(Tokens.Create($"ui-{Guid.NewGuid():N}", ["pipeline.read"]));

        var response = await TryItOutAsync(page, "Stages", "ListStages");

        await Assertions.Expect(response.Status).ToHaveTextAsync("200");
        foreach (var name in new[] { "Nouveau", "Estimation", "Visite Technique", "Devis", "Gagné / Perdu" })
            await Assertions.Expect(response.Body).ToContainTextAsync(name);
    }

    [Test]
    public async Task AWriteWithoutTheAdminScope_ShowsThe403Problem()
    {
        var page = await OpenSwaggerAsync(Tokens.Create($"ui-{Guid.NewGuid():N}", ["pipeline.write"]));

        var response = await TryItOutAsync(page, "Stages", "CreateStage");

        await Assertions.Expect(response.Status).ToHaveTextAsync("403");
        await Assertions.Expect(response.Body).ToContainTextAsync("problems/forbidden");
    }

    private async Task<IPage> OpenSwaggerAsync(string token)
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync($"{_address}/swagger/index.html");
        await page.Locator("button.authorize").First.ClickAsync();
        await page.Locator(".modal-ux input").First.FillAsync(token);
        await page.Locator(".modal-ux button.authorize").ClickAsync();
        await page.Locator(".modal-ux button.btn-done").ClickAsync();
        return page;
    }

    private static async Task<(ILocator Status, ILocator Body)> TryItOutAsync(IPage page, string tag, string operationId)
    {
        var operation = page.Locator($"#operations-{tag.Replace(' ', '_')}-{operationId}");
        await operation.Locator(".opblock-summary").First.ClickAsync();
        await operation.Locator("button.try-out__btn").ClickAsync();
        await operation.Locator("button.execute").ClickAsync();
        var live = operation.Locator(".live-responses-table");
        return (live.Locator("tbody .response-col_status").First, live.Locator("tbody .response-col_description").First);
    }
}
