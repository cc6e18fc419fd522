using Mediator;
using Microsoft.Extensions.Options;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Webhooks;

/// <summary>
/// A new signing secret, returned this once. During <c>Webhooks:SecretRotationOverlap</c> (24 hours) deliveries carry
/// a signature with each secret (Standard Webhooks lists several in one header), so receivers switch without a gap.
/// </summary>
public sealed record RotateWebhookSecret(long WebhookId, long? ExpectedVersion) : ICommand<WebhookDto>, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Rotate a webhook's signing secret",
        "The answer holds the new `secret`. For `Webhooks:SecretRotationOverlap` (24 hours) deliveries are signed with both the "
        + "new and the previous secret, so a receiver can switch over without rejecting any.")
    {
        Problems = [404, 409, 412],
    };
}

public sealed class RotateWebhookSecretHandler(WebhookStore store, IOptionsMonitor<WebhookOptions> options)
    : ICommandHandler<RotateWebhookSecret, WebhookDto>
{
    public async ValueTask<WebhookDto> Handle(RotateWebhookSecret command, CancellationToken ct)
    {
        var row = await store.LoadAsync(command.WebhookId, command.ExpectedVersion, ct);
        var overlap = (long)options.CurrentValue.SecretRotationOverlap.TotalMilliseconds;
        (row.PreviousSecret, row.PreviousSecretUntilMs) = (row.Secret, store.Now + overlap);
        row.Secret = WebhookRow.NewSecret();
        await store.SaveAsync(row, ct);
        return row.ToDto(withSecret: true);
    }
}
