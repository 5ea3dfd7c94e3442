using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace Mlflow.Webhooks.Tests;

/// <summary>
/// A newer MLflow may add fields to a payload or values to an enum (a currency, a duration unit). Every recorded
/// delivery, replayed with such additions injected into its data and signed again, must verify and keep what was
/// added: unknown fields in <see cref="WebhookPayloadData.AdditionalData"/> (and written back), unknown enum values as
/// their raw text with <c>IsKnown</c> false. Type mismatches of declared fields stay rejected.
/// </summary>
public sealed class UnknownValueTests
{
    private static VerificationOutcome Replay(RecordedDelivery recorded, Action<JsonObject> edit)
    {
        var envelope = JsonNode.Parse(recorded.RawBody)!.AsObject();
        edit(envelope["data"]!.AsObject());
        var body = Encoding.UTF8.GetBytes(envelope.ToJsonString());
        var signer = new WebhookSigner(RecordedDelivery.Secret);
        var signed = signer.Sign(body, recorded.DeliveryId, recorded.SentAt);
        var result = new WebhookVerifier(RecordedDelivery.Secret, new FakeTimeProvider(recorded.SentAt)).Verify(signed.DeliveryId, signed.Timestamp, signed.Signature, signed.Body.Span);
        return new VerificationOutcome(result, envelope);
    }

    private sealed record VerificationOutcome(WebhookVerificationResult Result, JsonObject Envelope);

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void Unknown_fields_are_accepted_kept_and_written_back(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        var (result, envelope) = Replay(recorded, data =>
        {
            data["added_in_a_later_mlflow"] = "new text";
            data["nested_extra"] = new JsonObject { ["n"] = 1.5, ["list"] = new JsonArray(1, "two", null) };
        });

        Assert.True(result.IsVerified, result.ToString());
        var payload = result.Delivery.Payload;
        Assert.NotNull(payload);
        Assert.Equal(WebhookPayload.CaseTypeFor(WebhookEvent.Parse(recorded.Event)), payload.GetType());
        var extra = payload.DataModel.AdditionalData;
        Assert.Equal(new[] { "added_in_a_later_mlflow", "nested_extra" }, extra.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("new text", extra["added_in_a_later_mlflow"].GetString());
        Assert.Equal(1.5, extra["nested_extra"].GetProperty("n").GetDouble());
        Assert.Equal(3, extra["nested_extra"].GetProperty("list").GetArrayLength());
        // Nothing is lost: the payload writes back exactly the data that was delivered.
        Assert.True(JsonNode.DeepEquals(envelope["data"], JsonNode.Parse(payload.DataModel.ToJson())), payload.DataModel.ToJson());
    }

    [Theory]
    [InlineData("budget_unit", "EUR")]
    [InlineData("duration_unit", "WEEKS")]
    [InlineData("target_scope", "EXPERIMENT")]
    public void An_unknown_enum_value_of_a_recorded_budget_delivery_is_accepted_with_its_raw_value(string field, string value)
    {
        var recorded = RecordedDelivery.Signed.First(d => d.Event == "budget_policy.exceeded");
        var (result, envelope) = Replay(recorded, data => data[field] = value);

        Assert.True(result.IsVerified, result.ToString());
        Assert.True(result.Delivery.TryGetPayload<WebhookPayload.BudgetPolicyExceeded>(out var budget));
        var data = budget.Data;
        var (raw, known) = field switch
        {
            "budget_unit" => (data.BudgetUnit.Value, data.BudgetUnit.IsKnown),
            "duration_unit" => (data.DurationUnit.Value, data.DurationUnit.IsKnown),
            _ => (data.TargetScope.Value, data.TargetScope.IsKnown),
        };
        Assert.Equal(value, raw);
        Assert.False(known);
        Assert.Empty(data.AdditionalData);
        // The other fields are still typed, and the raw value is written back as sent.
        Assert.Equal("bp-abc123", data.BudgetPolicyId);
        Assert.True(data.DurationUnit.IsKnown || field == "duration_unit");
        Assert.True(JsonNode.DeepEquals(envelope["data"], JsonNode.Parse(data.ToJson())));
    }

    [Fact]
    public void Known_enum_values_compare_equal_to_the_static_members()
    {
        var recorded = RecordedDelivery.Signed.First(d => d.Event == "budget_policy.exceeded");
        var (result, _) = Replay(recorded, _ => { });
        Assert.True(result.Delivery!.TryGetPayload<WebhookPayload.BudgetPolicyExceeded>(out var budget));
        Assert.Equal(WebhookBudgetUnit.Usd, budget.Data.BudgetUnit);
        Assert.True(budget.Data.BudgetUnit == new WebhookBudgetUnit("USD"));
        Assert.True(budget.Data.BudgetUnit != new WebhookBudgetUnit("usd"));
        Assert.Contains(budget.Data.BudgetUnit, WebhookBudgetUnit.Known);
    }

    [Fact]
    public void A_declared_field_of_the_wrong_type_is_still_a_payload_mismatch_naming_the_field()
    {
        var recorded = RecordedDelivery.Signed.First(d => d.Event == "budget_policy.exceeded");
        var (result, _) = Replay(recorded, data => data["budget_unit"] = 7);
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, result.Reason);
        Assert.Contains("budget_unit", result.Message!, StringComparison.Ordinal);

        (result, _) = Replay(recorded, data => data["budget_amount"] = "a lot");
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, result.Reason);
        Assert.Contains("budget_amount", result.Message!, StringComparison.Ordinal);
        Assert.DoesNotContain("a lot", result.Message!, StringComparison.Ordinal);
    }
}
