using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Mlflow.Webhooks.Tests;

/// <summary>Every real delivery of the wire corpus verifies and parses with the values MLflow sent.</summary>
public sealed class RecordedDeliveryTests(ITestOutputHelper output)
{
    private static WebhookVerifier VerifierAt(RecordedDelivery delivery) =>
        new(RecordedDelivery.Secret, new FakeTimeProvider(delivery.SentAt));

    [Fact]
    public void The_corpus_holds_33_deliveries_31_signed_covering_the_15_events()
    {
        Assert.Equal(33, RecordedDelivery.All.Count);
        Assert.Equal(31, RecordedDelivery.Signed.Count());
        Assert.All(RecordedDelivery.Signed, d => Assert.Equal(RecordedDelivery.Secret, d.RecordedSecret));
        Assert.Equal(
            DefaultWebhookPayloadReader.KnownEvents.Order(StringComparer.Ordinal),
            RecordedDelivery.Signed.Select(d => d.Event).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(15, DefaultWebhookPayloadReader.KnownEvents.Count);
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void A_signed_recorded_delivery_verifies_with_the_recorded_values(string id)
    {
        var recorded = RecordedDelivery.Get(id);

        var result = VerifierAt(recorded).Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body);

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal(WebhookRejectionReason.None, result.Reason);
        Assert.Null(result.Message);
        var delivery = result.Delivery;
        var envelope = recorded.Envelope;
        Assert.Equal(recorded.DeliveryId, delivery.DeliveryId);
        Assert.Equal(recorded.SentAt, delivery.Timestamp);
        Assert.Equal(envelope.GetProperty("entity").GetString(), delivery.Entity);
        Assert.Equal(envelope.GetProperty("action").GetString(), delivery.Action);
        Assert.Equal(recorded.Event, delivery.EventName);
        Assert.Equal(
            DateTimeOffset.ParseExact(envelope.GetProperty("timestamp").GetString()!, "yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture),
            delivery.EventTimestamp);
        Assert.Equal(envelope.TryGetProperty("workspace", out var workspace) ? workspace.GetString() : null, delivery.Workspace);
        Assert.True(JsonElement.DeepEquals(envelope.GetProperty("data"), delivery.Data));
        foreach (var field in envelope.GetProperty("data").EnumerateObject())
        {
            Assert.True(JsonElement.DeepEquals(field.Value, delivery.Data.GetProperty(field.Name)), field.Name);
        }

        Assert.Equal(recorded.Body, delivery.RawBody.ToArray());
        Assert.Null(delivery.Payload); // typed by the generated WebhookPayload union later (issue 4)
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void The_signer_reproduces_the_recorded_signature_and_body(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        var signer = new WebhookSigner(RecordedDelivery.Secret);

        Assert.Equal(recorded.Signature, signer.ComputeSignature(recorded.DeliveryId, recorded.Timestamp, recorded.Body));

        var envelope = recorded.Envelope;
        var rebuilt = WebhookSigner.CreateEnvelope(
            envelope.GetProperty("entity").GetString()!,
            envelope.GetProperty("action").GetString()!,
            envelope.GetProperty("data"),
            DateTimeOffset.Parse(envelope.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture),
            envelope.TryGetProperty("workspace", out var workspace) ? workspace.GetString() : null);
        Assert.Equal(recorded.RawBody, System.Text.Encoding.UTF8.GetString(rebuilt));
    }

    [Fact]
    public void Selected_fields_read_back_as_MLflow_sent_them()
    {
        var modelVersion = Verify("0020").Data;
        Assert.Equal("wire-wh-model", modelVersion.GetProperty("name").GetString());
        Assert.Equal("1", modelVersion.GetProperty("version").GetString());
        Assert.Equal("977a7df01a09461b8bbd890ce1ca605e", modelVersion.GetProperty("run_id").GetString());
        Assert.Equal("mlflow-artifacts:/1/977a7df01a09461b8bbd890ce1ca605e/artifacts/model", modelVersion.GetProperty("source").GetString());
        Assert.Equal("1", modelVersion.GetProperty("tags").GetProperty("t").GetString());
        Assert.Equal(JsonValueKind.Null, modelVersion.GetProperty("description").ValueKind);

        var chatPrompt = Verify("0027").Data;
        Assert.Equal("2", chatPrompt.GetProperty("version").GetString());
        using (var template = JsonDocument.Parse(chatPrompt.GetProperty("template").GetString()!))
        {
            Assert.Equal("user", template.RootElement[0].GetProperty("role").GetString());
            Assert.Equal("Summarize {{text}}", template.RootElement[0].GetProperty("content").GetString());
        }

        var budget = Verify("0015");
        Assert.Equal("budget_policy.exceeded", budget.EventName);
        Assert.Null(budget.Workspace); // the server ran without workspaces; "workspace" inside data is the policy's
        Assert.Equal("bp-abc123", budget.Data.GetProperty("budget_policy_id").GetString());
        Assert.Equal(100.0, budget.Data.GetProperty("budget_amount").GetDouble());
        Assert.Equal(105.5, budget.Data.GetProperty("current_spend").GetDouble());
        Assert.Equal(1, budget.Data.GetProperty("duration_value").GetInt32());
        Assert.Equal(1704067200000, budget.Data.GetProperty("window_start").GetInt64());
        Assert.Equal("default", budget.Data.GetProperty("workspace").GetString());

        var alias = Verify("0033");
        Assert.Equal("prompt_alias", alias.Entity);
        Assert.Equal("deleted", alias.Action);
        Assert.Equal("prod", alias.Data.GetProperty("alias").GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 22, 36, 31, TimeSpan.Zero).AddTicks(9507130), alias.EventTimestamp);
    }

    [Theory]
    [InlineData("0017")]
    [InlineData("0018")]
    public void An_unsigned_recorded_delivery_is_rejected_for_its_missing_signature(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        Assert.Null(recorded.Signature);

        var result = VerifierAt(recorded).Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body);

        Assert.Equal(WebhookRejectionReason.MissingHeader, result.Reason);
        Assert.Equal(WebhookHeaders.Signature, result.HeaderName);
    }

    [Fact]
    public void All_signed_deliveries_verify_with_one_clock_and_a_rotated_secret_list()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1795386986));
        var verifier = new WebhookVerifier(new WebhookVerifierOptions { Secrets = ["next-secret", RecordedDelivery.Secret], TimeProvider = clock });

        var verified = RecordedDelivery.Signed
            .Select(d => verifier.Verify(d.DeliveryId, d.Timestamp, d.Signature, d.Body))
            .Count(r => r.IsVerified);

        Assert.Equal(31, verified);
        output.WriteLine($"recorded deliveries verified: {verified} of {RecordedDelivery.Signed.Count()} signed ({RecordedDelivery.All.Count} recorded)");
    }

    private static VerifiedWebhookDelivery Verify(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        var result = VerifierAt(recorded).Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body);
        Assert.True(result.IsVerified, result.ToString());
        return result.Delivery;
    }
}
