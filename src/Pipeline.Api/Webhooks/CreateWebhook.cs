using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Webhooks;

/// <summary>A new subscription.</summary>
/// <param name="Url">Where to POST the changes: https, on the public internet.</param>
/// <param name="Types">The change types to deliver; omitted for every type.</param>
/// <param name="Description">What it is for (1–500 characters).</param>
/// <param name="Enabled">False to create it paused; default true.</param>
public sealed record CreateWebhookBody(
    [property: Required, StringLength(WebhookUrls.MaxLength, MinimumLength = 1)] string? Url,
    [property: ChangeTypeList] IReadOnlyList<string>? Types = null,
    [property: StringLength(500, MinimumLength = 1), DisplayText] string? Description = null,
    bool? Enabled = null);

/// <summary>Subscribes a URL to the tenant's changes; the answer carries the signing secret, this once.</summary>
public sealed record CreateWebhook(CreateWebhookBody Body, [property: JsonIgnore] string? IdempotencyKey = null)
    : IIdempotentCreate, ICommand<WebhookDto>, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Create a webhook",
        "Every change of the chosen types committed from now on is POSTed to the URL, signed as Standard Webhooks specifies. "
        + "The answer holds the signing `secret`, the only time it is shown (rotate-secret makes a new one). The URL must be "
        + "https and resolve to public addresses (422 otherwise).")
    {
        Examples = new Dictionary<string, object>
        {
            ["planning books the visit"] = new
            {
                url = "https://planning.openfire.fr/hooks/pipeline", types = new[] { "opportunity.stage_changed" },
                description = "Planning: book the technical visit",
            },
        },
        Problems = [400, 422],
    };
}

public sealed class CreateWebhookHandler(DbSession db, WebhookStore store, Caller caller) : ICommandHandler<CreateWebhook, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(CreateWebhook command, CancellationToken ct)
    {
        var body = command.Body;
        var row = new WebhookRow
        {
            Url = body.Url!, Types = WebhookRow.StoredTypes(body.Types),
            Description = body.Description is { } d ? Names.Normalize(d) : null, Enabled = body.Enabled ?? true,
            Secret = WebhookRow.NewSecret(), Version = 1, CreatedAtMs = store.Now,
        };
        row.UpdatedAtMs = row.CreatedAtMs;
        row.Id = await db.InsertAsync(Sql.Insert, new
        {
            caller.TenantId, row.Url, row.Types, row.Description, row.Enabled, row.Secret, Now = row.CreatedAtMs,
        }, ct);
        return row.ToDto(withSecret: true);
    }

    private static class Sql
    {
        public const string Insert = """
            INSERT INTO Webhooks (TenantId, Url, Types, Description, Enabled, Secret, PreviousSecret, PreviousSecretUntilMs, Version,
                CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @Url, @Types, @Description, @Enabled, @Secret, NULL, NULL, 1, @Now, @Now);
            """;
    }
}
