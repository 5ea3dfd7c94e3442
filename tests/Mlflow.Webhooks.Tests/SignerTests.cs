using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Mlflow.Webhooks.Tests;

public sealed class SignerTests
{
    [Fact]
    public void A_signer_with_several_secrets_is_accepted_by_a_verifier_of_any_one_of_them()
    {
        var now = TestDeliveries.Now;
        var signer = new WebhookSigner(["old-secret", "new-secret"], new FakeTimeProvider(now));
        var signed = signer.Sign("{\"entity\": \"prompt_tag\", \"action\": \"deleted\", \"timestamp\": \"2026-11-22T23:00:00+00:00\", \"data\": {\"name\": \"p\", \"key\": \"k\"}}"u8);

        Assert.Equal(2, signed.Signature.Split(' ').Length);
        Assert.All(signed.Signature.Split(' '), entry => Assert.StartsWith("v1,", entry, StringComparison.Ordinal));
        foreach (var secret in new[] { "old-secret", "new-secret" })
        {
            Assert.True(new WebhookVerifier(secret, new FakeTimeProvider(now)).Verify(signed.DeliveryId, signed.Timestamp, signed.Signature, signed.Body.Span).IsVerified);
        }

        Assert.Equal(WebhookRejectionReason.SignatureMismatch,
            new WebhookVerifier("third-secret", new FakeTimeProvider(now)).Verify(signed.DeliveryId, signed.Timestamp, signed.Signature, signed.Body.Span).Reason);
    }

    [Fact]
    public void Signed_deliveries_carry_mlflow_headers_a_uuid_and_unix_seconds()
    {
        var now = new DateTimeOffset(2026, 11, 22, 23, 0, 0, 999, TimeSpan.Zero);
        var signed = new WebhookSigner("s", new FakeTimeProvider(now)).Sign("{}"u8);

        Assert.True(Guid.TryParseExact(signed.DeliveryId, "D", out _));
        Assert.Equal(now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), signed.Timestamp);
        using var request = signed.ToHttpRequestMessage(new Uri("http://127.0.0.1/hook"));
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.Equal(signed.DeliveryId, request.Headers.GetValues(WebhookHeaders.DeliveryId).Single());
        Assert.Equal(signed.Timestamp, request.Headers.GetValues(WebhookHeaders.Timestamp).Single());
        Assert.Equal(signed.Signature, request.Headers.GetValues(WebhookHeaders.Signature).Single());
        Assert.Equal(["Content-Type", WebhookHeaders.DeliveryId, WebhookHeaders.Timestamp, WebhookHeaders.Signature], signed.Headers.Select(h => h.Key));
    }

    [Fact]
    public void Envelopes_are_written_as_python_json_dumps_writes_them()
    {
        // Expected texts produced by CPython 3 json.dumps (default separators, ensure_ascii) and datetime.isoformat().
        // Numbers are copied as their JSON text, so they match Python only where Python writes them the same way.
        using var data = JsonDocument.Parse("{\"name\": \"caf\u00e9 \\ud83d\\ude00\", \"ctl\": \"\\u0001\\u007f\\n\\t\\\"\\\\/\", \"n\": [1, 2.5, -1, 1000.0, true, null], \"o\": {}}");
        var body = WebhookSigner.CreateEnvelope("prompt", "created", data.RootElement, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), "ws");

        Assert.Equal(
            "{\"entity\": \"prompt\", \"action\": \"created\", \"timestamp\": \"2026-01-02T01:04:05+00:00\", \"data\": "
            + "{\"name\": \"caf\\u00e9 \\ud83d\\ude00\", \"ctl\": \"\\u0001\\u007f\\n\\t\\\"\\\\/\", \"n\": [1, 2.5, -1, 1000.0, true, null], \"o\": {}}, \"workspace\": \"ws\"}",
            Encoding.UTF8.GetString(body));
        Assert.Equal("2025-07-31T08:27:32.080217+00:00", WebhookSigner.FormatIsoTimestamp(new DateTimeOffset(2025, 7, 31, 8, 27, 32, TimeSpan.Zero).AddTicks(802170)));
        Assert.Equal("[]", WebhookSigner.ToPythonJson(JsonDocument.Parse("[ ]").RootElement));
    }
}
