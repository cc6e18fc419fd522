using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Pipeline.Api.Changes;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Webhooks;

/// <summary>A subscription: the changes of the chosen types are POSTed to its URL, signed (Standard Webhooks).</summary>
/// <param name="Id">Webhook id.</param>
/// <param name="Url">Where deliveries are POSTed.</param>
/// <param name="Types">The change types delivered; null for every type.</param>
/// <param name="Enabled">False: nothing is sent (deliveries wait, and go when it is enabled again).</param>
/// <param name="Description">What it is for.</param>
/// <param name="Secret">The signing secret (<c>whsec_</c> + base64 of 32 random bytes). Only in the answers of creation and
/// rotate-secret: keep it then.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Last change.</param>
/// <param name="Version">Concurrency version, also served as the strong ETag.</param>
public sealed record WebhookDto(
    long Id,
    string Url,
    IReadOnlyList<string>? Types,
    bool Enabled,
    string? Description,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version) : IVersioned;

public enum DeliveryStatus { Pending, Delivered, Failed }

/// <summary>One change sent to one webhook: its state and its latest attempt.</summary>
/// <param name="ChangeId">The change (the <c>webhook-id</c> header).</param>
/// <param name="Type">The change's type.</param>
/// <param name="Attempt">Attempts made so far.</param>
/// <param name="Status">`pending` (an attempt is due at nextAttemptAt), `delivered` (a 2xx) or `failed` (every attempt made).</param>
/// <param name="ResponseStatus">The HTTP status of the latest attempt; null when it got no answer.</param>
/// <param name="Error">Why the latest attempt failed.</param>
/// <param name="At">When the latest attempt was made; null before the first.</param>
/// <param name="NextAttemptAt">When the next attempt is due, while pending.</param>
public sealed record DeliveryDto(
    string ChangeId, string Type, int Attempt, DeliveryStatus Status, int? ResponseStatus, string? Error,
    DateTimeOffset? At, DateTimeOffset? NextAttemptAt);

/// <summary>Bound from the <c>Webhooks</c> section.</summary>
public sealed class WebhookOptions
{
    /// <summary>Allows http:// URLs (development only: deliveries carry the tenant's data).</summary>
    public bool AllowInsecureUrls { get; set; }

    /// <summary>Allows hosts on loopback and private networks (development and tests).</summary>
    public bool AllowPrivateNetworks { get; set; }

    [Range(1, 50, ErrorMessage = "Webhooks:MaxAttempts must be between 1 and 50.")]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failed attempt; each next wait is <see cref="BackoffFactor"/> times longer (±20 %).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Webhooks:FirstRetryDelay must be between 10 ms and 1 day.")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1.0, 10.0, ErrorMessage = "Webhooks:BackoffFactor must be between 1 and 10.")]
    public double BackoffFactor { get; set; } = 3.5;

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00", ErrorMessage = "Webhooks:Timeout must be between 100 ms and 1 minute.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an instance holds an attempt; past it (a crash) another instance takes it over. Longer than Timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Webhooks:LeaseDuration must be between 1 second and 1 hour.")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often due deliveries are looked for when no local commit rang (other instances' changes, retries).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Webhooks:PollInterval must be between 10 ms and 10 minutes.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 64, ErrorMessage = "Webhooks:Concurrency must be between 1 and 64.")]
    public int Concurrency { get; set; } = 8;

    /// <summary>After a rotation, deliveries are also signed with the previous secret this long, so receivers can switch over.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Webhooks:SecretRotationOverlap must be between 0 and 7 days.")]
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);
}

public sealed class WebhookRow
{
    public long Id { get; set; }
    public string Url { get; set; } = "";
    public string Types { get; set; } = "";
    public string? Description { get; set; }
    public bool Enabled { get; set; }
    public string Secret { get; set; } = "";
    public string? PreviousSecret { get; set; }
    public long? PreviousSecretUntilMs { get; set; }
    public long Version { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }

    public WebhookDto ToDto(bool withSecret = false) => new(
        Id, Url, Types.Length == 0 ? null : Types.Split(','), Enabled, Description, withSecret ? Secret : null,
        DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAtMs), Version);

    /// <summary>Stored form of a type list: comma-separated, empty for every type.</summary>
    public static string StoredTypes(IReadOnlyList<string>? types) => types is null ? "" : string.Join(',', types.Distinct());

    /// <summary>A new signing secret, as Standard Webhooks writes them.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

/// <summary>Change types to subscribe to: known ones, at least one when the list is given.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class ChangeTypeListAttribute()
    : ValidationAttribute("{0} must list known change types: " + string.Join(", ", ChangeTypes.All) + ".")
{
    public override bool IsValid(object? value) =>
        value is not IReadOnlyList<string> list || (list.Count > 0 && list.All(t => t is not null && ChangeTypes.IsKnown(t)));
}

/// <summary>The statements on webhooks that more than one use case runs.</summary>
public static class WebhookSql
{
    public const string Columns =
        "Id, Url, Types, Description, Enabled, Secret, PreviousSecret, PreviousSecretUntilMs, Version, CreatedAtMs, UpdatedAtMs";

    public const string Load = $"SELECT {Columns} FROM Webhooks WHERE TenantId = @TenantId AND Id = @Id";
}
