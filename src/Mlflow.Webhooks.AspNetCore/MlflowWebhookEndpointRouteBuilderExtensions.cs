using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mlflow.Webhooks;
using Mlflow.Webhooks.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps endpoints that receive MLflow webhook deliveries.</summary>
public static class MlflowWebhookEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a POST endpoint that receives MLflow webhook deliveries with the <see cref="WebhookVerifier"/> registered by
    /// <c>AddMlflowWebhooks</c> (and the <see cref="IWebhookDeliveryDeduplicator"/> registered, if any).
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route pattern, e.g. <c>/mlflow/webhooks</c>.</param>
    /// <param name="handler">Called once per verified delivery (per delivery id when de-duplicating). Return normally
    /// to answer 200; throw, or set a status of 500 or more, to make MLflow retry.</param>
    /// <returns>The endpoint builder (for <c>RequireHost</c>, <c>WithName</c>, ...).</returns>
    /// <remarks>
    /// Answers: 401 for a missing or malformed header, a bad signature or a timestamp outside the tolerance; 413 for a
    /// body over the limit (read no further than the limit); 400 for an authentic body that is not a valid delivery;
    /// 200 for a duplicate delivery id (the handler is not called). Error bodies are <c>{"error": code, "message": text}</c>
    /// and never contain a secret, a signature or a header value.
    /// </remarks>
    public static IEndpointConventionBuilder MapMlflowWebhooks(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        Func<VerifiedWebhookDelivery, HttpContext, Task> handler) =>
        endpoints.MapMlflowWebhooks(pattern, new MlflowWebhookEndpointOptions(), handler);

    /// <summary>Maps a POST endpoint that receives MLflow webhook deliveries, with explicit options.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route pattern.</param>
    /// <param name="options">The verifier and de-duplication hook of this endpoint (unset ones come from the service container).</param>
    /// <param name="handler">Called once per verified delivery (see the other overload).</param>
    /// <returns>The endpoint builder.</returns>
    /// <exception cref="InvalidOperationException">No verifier is given nor registered.</exception>
    public static IEndpointConventionBuilder MapMlflowWebhooks(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        MlflowWebhookEndpointOptions options,
        Func<VerifiedWebhookDelivery, HttpContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);

        var services = endpoints.ServiceProvider;
        var verifier = options.Verifier
            ?? services.GetService<WebhookVerifier>()
            ?? throw new InvalidOperationException(
                "No WebhookVerifier: call services.AddMlflowWebhooks(...) or set MlflowWebhookEndpointOptions.Verifier.");
        var deduplicator = options.Deduplicator ?? services.GetService<IWebhookDeliveryDeduplicator>();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Mlflow.Webhooks.AspNetCore") ?? NullLogger.Instance;

        var endpoint = new MlflowWebhookEndpoint(verifier, deduplicator, handler, logger);
        return endpoints.MapPost(pattern, (RequestDelegate)endpoint.HandleAsync).WithDisplayName("MLflow webhooks " + pattern);
    }
}
