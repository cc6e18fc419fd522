using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Webhooks;

/// <summary>Webhook subscriptions and their deliveries (pipeline.admin).</summary>
public static class WebhooksApi
{
    private static readonly EndpointDoc ListDoc = new("List webhooks", "Secrets are never listed.");

    private static readonly EndpointDoc GetDoc = new("Get a webhook", "Its secret is not shown.") { Problems = [404] };

    private static readonly EndpointDoc DeliveriesDoc = new(
        "List a webhook's deliveries",
        "Newest first: each change sent (or to send) to the webhook, with its status and latest attempt.")
    {
        Problems = [400, 404],
    };

    public static void MapWebhooksApi(this RouteGroupBuilder api)
    {
        var webhooks = api.MapGroup("/webhooks").WithTags("Webhooks").RequireAuthorization(Scopes.Admin);
        webhooks.MapGet("/", ListWebhooks).Describe(nameof(ListWebhooks), ListDoc);
        webhooks.MapGet("/{id:long}", GetWebhook).Describe(nameof(GetWebhook), GetDoc);
        webhooks.MapPost("/", CreateWebhook).Describe<CreateWebhook>();
        webhooks.MapPatch("/{id:long}", UpdateWebhook).Describe<UpdateWebhook>();
        webhooks.MapDelete("/{id:long}", DeleteWebhook).Describe<DeleteWebhook>();
        webhooks.MapPost("/{id:long}/rotate-secret", RotateWebhookSecret).Describe<RotateWebhookSecret>();
        webhooks.MapPost("/{id:long}/test", SendTestChange).Describe<SendTestChange>();
        webhooks.MapGet("/{id:long}/deliveries", ListWebhookDeliveries).Describe(nameof(ListWebhookDeliveries), DeliveriesDoc);
        webhooks.MapPost("/{id:long}/deliveries/{changeId}/redeliver", RedeliverChange).Describe<RedeliverChange>();
    }

    public static async Task<Ok<ListOf<WebhookDto>>> ListWebhooks(WebhookQueries queries, CancellationToken ct) =>
        TypedResults.Ok(new ListOf<WebhookDto>(await queries.ListAsync(ct)));

    public static async Task<Ok<WebhookDto>> GetWebhook(long id, WebhookQueries queries, HttpResponse response, CancellationToken ct) =>
        response.Versioned(await queries.GetAsync(id, ct));

    /// <param name="body">The new webhook.</param>
    /// <param name="idempotencyKey">A unique key per intended creation: a retry with the same key gets the first answer.</param>
    /// <param name="guard">Checks the URL before the transaction opens.</param>
    /// <param name="mediator">Sends the command.</param>
    /// <param name="response">Carries the ETag.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Created<WebhookDto>> CreateWebhook(
        CreateWebhookBody body,
        [FromHeader(Name = IIdempotentCreate.Header), StringLength(IIdempotentCreate.MaxLength), Identifier] string? idempotencyKey,
        WebhookUrlGuard guard, IMediator mediator, HttpResponse response, CancellationToken ct)
    {
        await guard.CheckAsync(body.Url, ct);
        var webhook = await mediator.Send(new CreateWebhook(body, idempotencyKey), ct);
        return response.Created($"/api/v1/webhooks/{webhook.Id}", webhook);
    }

    public static async Task<Ok<WebhookDto>> UpdateWebhook(
        long id, UpdateWebhookBody body, WebhookUrlGuard guard, IMediator mediator, HttpContext http, CancellationToken ct)
    {
        await guard.CheckAsync(body.Url, ct);
        return http.Response.Versioned(await mediator.Send(new UpdateWebhook(id, ETags.ExpectedVersion(http.Request), body), ct));
    }

    public static async Task<NoContent> DeleteWebhook(long id, IMediator mediator, HttpRequest request, CancellationToken ct)
    {
        await mediator.Send(new DeleteWebhook(id, ETags.ExpectedVersion(request)), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<WebhookDto>> RotateWebhookSecret(long id, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new RotateWebhookSecret(id, ETags.ExpectedVersion(http.Request)), ct));

    public static async Task<Accepted<DeliveryDto>> SendTestChange(long id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Accepted((string?)null, await mediator.Send(new SendTestChange(id), ct));

    /// <param name="id">The webhook.</param>
    /// <param name="status">Only deliveries in this status: `pending`, `delivered` or `failed`.</param>
    /// <param name="cursor">`nextCursor` of the previous page.</param>
    /// <param name="limit">Page size, 1–100 (default 50).</param>
    /// <param name="queries">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Page<DeliveryDto>>> ListWebhookDeliveries(
        long id, string? status, string? cursor, int? limit, WebhookQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.DeliveriesAsync(id, status, cursor, limit, ct));

    /// <param name="id">The webhook.</param>
    /// <param name="changeId">The change, as its deliveries list it.</param>
    /// <param name="mediator">Sends the command.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Accepted<DeliveryDto>> RedeliverChange(long id, string changeId, IMediator mediator, CancellationToken ct) =>
        TypedResults.Accepted((string?)null, await mediator.Send(new RedeliverChange(id, changeId), ct));
}
