using System.Net.Http.Headers;

namespace Mlflow.Webhooks;

/// <summary>A signed delivery, ready to send: the three <c>X-MLflow-*</c> header values and the body.</summary>
public sealed class SignedWebhookDelivery
{
    internal SignedWebhookDelivery(string deliveryId, string timestamp, string signature, byte[] body)
    {
        DeliveryId = deliveryId;
        Timestamp = timestamp;
        Signature = signature;
        Body = body;
    }

    /// <summary>The <see cref="WebhookHeaders.DeliveryId"/> value.</summary>
    public string DeliveryId { get; }

    /// <summary>The <see cref="WebhookHeaders.Timestamp"/> value (Unix seconds as text).</summary>
    public string Timestamp { get; }

    /// <summary>The <see cref="WebhookHeaders.Signature"/> value.</summary>
    public string Signature { get; }

    /// <summary>The exact body bytes that were signed.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The headers MLflow sends, in its order: Content-Type, delivery id, timestamp, signature.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers =>
    [
        new("Content-Type", "application/json"),
        new(WebhookHeaders.DeliveryId, DeliveryId),
        new(WebhookHeaders.Timestamp, Timestamp),
        new(WebhookHeaders.Signature, Signature),
    ];

    /// <summary>Builds the HTTP POST MLflow would send to <paramref name="url"/>.</summary>
    /// <param name="url">The receiver's URL.</param>
    /// <returns>A new request message (the caller disposes it).</returns>
    public HttpRequestMessage ToHttpRequestMessage(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var content = new ByteArrayContent(Body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.TryAddWithoutValidation(WebhookHeaders.DeliveryId, DeliveryId);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, Timestamp);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, Signature);
        return request;
    }
}
