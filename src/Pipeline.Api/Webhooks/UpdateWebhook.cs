using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Webhooks;

/// <summary>What changes on a webhook; omitted members stay as they are.</summary>
/// <param name="Url">New URL (https, public).</param>
/// <param name="Types">New change types; null for every type.</param>
/// <param name="Description">New description; null for none.</param>
/// <param name="Enabled">Pause (false) or resume (true) deliveries.</param>
public sealed record UpdateWebhookBody(
    [property: StringLength(WebhookUrls.MaxLength, MinimumLength = 1)] string? Url = null,
    Optional<IReadOnlyList<string>?> Types = default,
    Optional<string?> Description = default,
    bool? Enabled = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var typeList = new ChangeTypeListAttribute();
        if (Types is { IsSet: true, Value: { } types } && !typeList.IsValid(types))
            yield return new ValidationResult(typeList.FormatErrorMessage("types"), ["types"]);
        if (Description is { IsSet: true, Value: { } d } && (d.Length is < 1 or > 500 || !Names.IsValid(d)))
            yield return new ValidationResult("description must be 1 to 500 characters, not blank.", ["description"]);
    }
}

/// <summary>Changes a webhook's URL, types, description or enabled flag; pending deliveries go to the new URL.</summary>
public sealed record UpdateWebhook(long WebhookId, long? ExpectedVersion, UpdateWebhookBody Body) : ICommand<WebhookDto>, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Update a webhook",
        "URL, types, description, enabled; omitted members stay as they are. Disabled, it keeps its pending deliveries "
        + "and sends them once enabled again.")
    {
        Examples = new Dictionary<string, object> { ["pause"] = new { enabled = false } },
        Problems = [400, 404, 409, 412, 422],
    };
}

public sealed class UpdateWebhookHandler(WebhookStore store) : ICommandHandler<UpdateWebhook, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(UpdateWebhook command, CancellationToken ct)
    {
        var row = await store.LoadAsync(command.WebhookId, command.ExpectedVersion, ct);
        var body = command.Body;
        var before = (row.Url, row.Types, row.Description, row.Enabled);
        row.Url = body.Url ?? row.Url;
        row.Types = body.Types.IsSet ? WebhookRow.StoredTypes(body.Types.Value) : row.Types;
        row.Description = body.Description.IsSet ? body.Description.Value is { } d ? Names.Normalize(d) : null : row.Description;
        row.Enabled = body.Enabled ?? row.Enabled;
        if ((row.Url, row.Types, row.Description, row.Enabled) != before) await store.SaveAsync(row, ct);
        return row.ToDto();
    }
}
