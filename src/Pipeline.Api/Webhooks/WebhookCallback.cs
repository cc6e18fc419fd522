using Microsoft.OpenApi;
using Pipeline.Api.Changes;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pipeline.Api.Webhooks;

/// <summary>
/// Documents what a receiver gets as an OpenAPI 3.0 callback of CreateWebhook: a POST to the webhook's URL whose
/// body is a <c>Change</c>, with the three Standard Webhooks headers, answered by any 2xx.
/// </summary>
public sealed class WebhookCallbackOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId != nameof(WebhooksApi.CreateWebhook)) return;
        var change = context.SchemaGenerator.GenerateSchema(typeof(ChangeDto), context.SchemaRepository);
        var delivery = new OpenApiOperation
        {
            OperationId = "ReceiveChange",
            // The receiver authenticates the sender by the signature, not by a scheme of this API.
            Security = [],
            Summary = "A change delivered to the webhook's URL",
            Description = "Sent at least once per change: dedupe by `webhook-id`. Verify the signature before trusting the body "
                          + "(see the README's section for receivers). Redirects are not followed; anything but a 2xx within 10 s "
                          + "is retried with exponential back-off, `Webhooks:MaxAttempts` times (8) over about a day.",
            Parameters =
            [
                Header("webhook-id", "The change's id: the same on every attempt; a receiver dedupes by it."),
                Header("webhook-timestamp", "When this attempt was sent, in Unix seconds; refuse one too far from now (replays)."),
                Header("webhook-signature",
                    "`v1,` + base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, keyed with the bytes of the secret "
                    + "after `whsec_` (base64-decoded). Several space-separated signatures during a secret rotation: accept any."),
            ],
            RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = change } },
            },
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse { Description = "Received (any 2xx is a delivery)." },
                ["400"] = new OpenApiResponse { Description = "Refused by the receiver: like any answer but a 2xx, tried again later." },
                ["default"] = new OpenApiResponse { Description = "Anything else, a timeout or no connection: tried again later." },
            },
        };
        var path = new OpenApiPathItem();
        path.AddOperation(HttpMethod.Post, delivery);
        var callback = new OpenApiCallback();
        callback.AddPathItem(RuntimeExpression.Build("{$request.body#/url}"), path);
        operation.Callbacks ??= new Dictionary<string, IOpenApiCallback>();
        operation.Callbacks["change"] = callback;
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name, In = ParameterLocation.Header, Required = true, Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
    };
}
