namespace Mlflow.Webhooks;

/// <summary>Header names and constants of MLflow's webhook delivery contract.</summary>
public static class WebhookHeaders
{
    /// <summary>The delivery id header; one UUID per delivery, reused by MLflow's retries.</summary>
    public const string DeliveryId = "X-MLflow-Delivery-Id";

    /// <summary>The timestamp header: Unix time in seconds, as a decimal string.</summary>
    public const string Timestamp = "X-MLflow-Timestamp";

    /// <summary>The signature header: <c>v1,</c> followed by the base64 HMAC-SHA256 digest; only sent when the webhook has a secret.</summary>
    public const string Signature = "X-MLflow-Signature";

    /// <summary>The version prefix of a signature (<c>v1,</c>).</summary>
    public const string SignaturePrefix = "v1,";
}
