using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Mlflow.Webhooks.Tests;

/// <summary>Builds verified deliveries through the public API (signer, then verifier).</summary>
internal static class TestDeliveries
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 23, 0, 0, TimeSpan.Zero);

    public static SignedWebhookDelivery Signed(string deliveryId, string name = "model", DateTimeOffset? at = null)
    {
        using var data = JsonDocument.Parse($"{{\"name\": {JsonSerializer.Serialize(name)}, \"alias\": \"prod\", \"version\": \"1\"}}");
        return new WebhookSigner(RecordedDelivery.Secret).CreateDelivery("model_version_alias", "created", data.RootElement, deliveryId: deliveryId, timestamp: at ?? Now);
    }

    public static VerifiedWebhookDelivery Verified(string deliveryId)
    {
        var signed = Signed(deliveryId);
        var result = new WebhookVerifier(RecordedDelivery.Secret, new FakeTimeProvider(Now)).Verify(signed.DeliveryId, signed.Timestamp, signed.Signature, signed.Body.Span);
        Assert.True(result.IsVerified, result.ToString());
        return result.Delivery;
    }
}
