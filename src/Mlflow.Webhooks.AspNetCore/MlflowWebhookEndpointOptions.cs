using Mlflow.Webhooks;

namespace Mlflow.Webhooks.AspNetCore;

/// <summary>Options of one endpoint mapped with <c>MapMlflowWebhooks</c>.</summary>
public sealed class MlflowWebhookEndpointOptions
{
    /// <summary>The verifier; when null, the <see cref="WebhookVerifier"/> registered by <c>AddMlflowWebhooks</c> is used.</summary>
    public WebhookVerifier? Verifier { get; set; }

    /// <summary>
    /// The de-duplication hook; when null, an <see cref="IWebhookDeliveryDeduplicator"/> registered in the service
    /// container is used, and without one every verified delivery reaches the handler.
    /// </summary>
    public IWebhookDeliveryDeduplicator? Deduplicator { get; set; }
}
