using System.Globalization;
using System.Reflection;
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
            WebhookEvent.All.Select(e => e.ToString()).Order(StringComparer.Ordinal),
            RecordedDelivery.Signed.Select(d => d.Event).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(15, WebhookEvent.All.Count);
        Assert.All(WebhookEvent.All, e => Assert.True(DefaultWebhookPayloadReader.Instance.IsKnownEvent(e.Entity, e.Action)));
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

        // The typed payload: the union case of the event, every recorded field read into its typed property.
        Assert.Equal(WebhookEvent.Parse(recorded.Event), delivery.Event);
        Assert.True(delivery.Event.IsKnown);
        var payload = delivery.Payload;
        Assert.NotNull(payload);
        Assert.Equal(WebhookPayload.CaseTypeFor(delivery.Event), payload.GetType());
        Assert.Equal(delivery.Event, payload.Event);
        Assert.Equal(delivery.EventTimestamp, payload.Timestamp);
        Assert.Equal(delivery.Workspace, payload.Workspace);
        Assert.Empty(payload.DataModel.AdditionalData);
        var typed = TypedFields(payload);
        var recordedData = envelope.GetProperty("data");
        Assert.Equal(
            recordedData.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
            typed.Keys.Order(StringComparer.Ordinal));
        foreach (var field in recordedData.EnumerateObject())
        {
            AssertSameValue(field.Value, typed[field.Name], $"{recorded.Event} {field.Name}");
        }
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

    [Fact]
    public void Selected_payloads_read_back_as_their_union_cases()
    {
        var created = Assert.IsType<WebhookPayload.ModelVersionCreated>(Verify("0020").Payload);
        Assert.Equal("wire-wh-model", created.Data.Name);
        Assert.Equal("1", created.Data.Version);
        Assert.Equal("977a7df01a09461b8bbd890ce1ca605e", created.Data.RunId);
        Assert.Equal("mlflow-artifacts:/1/977a7df01a09461b8bbd890ce1ca605e/artifacts/model", created.Data.Source);
        Assert.Equal("1", created.Data.Tags!["t"]);
        Assert.Null(created.Data.Description);

        var budget = Verify("0015");
        Assert.True(budget.TryGetPayload<WebhookPayload.BudgetPolicyExceeded>(out var exceeded));
        Assert.False(budget.TryGetPayload<WebhookPayload.ModelVersionCreated>(out _));
        Assert.Equal("bp-abc123", exceeded.Data.BudgetPolicyId);
        Assert.Equal(WebhookBudgetUnit.Usd, exceeded.Data.BudgetUnit);
        Assert.Equal(100.0, exceeded.Data.BudgetAmount);
        Assert.Equal(105.5, exceeded.Data.CurrentSpend);
        Assert.Equal(WebhookBudgetDurationUnit.Months, exceeded.Data.DurationUnit);
        Assert.Equal(1, exceeded.Data.DurationValue);
        Assert.Equal(WebhookBudgetTargetScope.Workspace, exceeded.Data.TargetScope);
        Assert.Equal("default", exceeded.Data.Workspace); // the policy's workspace, inside data
        Assert.Null(exceeded.Workspace); // the envelope's: the server ran without workspaces
        Assert.Equal(1704067200000, exceeded.Data.WindowStart);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1704067200000), DateTimeOffset.FromUnixTimeMilliseconds(exceeded.Data.WindowStart));

        var summary = Verify("0033").Payload!.Match(
            registeredModelCreated: p => "model " + p.Data.Name,
            modelVersionCreated: p => $"version {p.Data.Name}/{p.Data.Version}",
            modelVersionTagSet: p => $"tag {p.Data.Key}={p.Data.Value}",
            modelVersionTagDeleted: p => $"untag {p.Data.Key}",
            modelVersionAliasCreated: p => $"alias {p.Data.Alias}",
            modelVersionAliasDeleted: p => $"unalias {p.Data.Alias}",
            promptCreated: p => "prompt " + p.Data.Name,
            promptVersionCreated: p => "template " + p.Data.Template,
            promptTagSet: p => $"prompt tag {p.Data.Key}",
            promptTagDeleted: p => $"prompt untag {p.Data.Key}",
            promptVersionTagSet: p => $"prompt version tag {p.Data.Key}",
            promptVersionTagDeleted: p => $"prompt version untag {p.Data.Key}",
            promptAliasCreated: p => $"prompt alias {p.Data.Alias}",
            promptAliasDeleted: p => $"prompt unalias {p.Data.Name}@{p.Data.Alias}",
            budgetPolicyExceeded: p => "budget " + p.Data.BudgetPolicyId);
        Assert.Equal("prompt unalias wire-wh-prompt@prod", summary);

        var chatPrompt = Assert.IsType<WebhookPayload.PromptVersionCreated>(Verify("0027").Payload);
        Assert.Equal("2", chatPrompt.Data.Version);
        Assert.Contains("Summarize {{text}}", chatPrompt.Data.Template, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void A_recorded_payload_without_one_of_its_fields_is_a_payload_mismatch(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        var envelope = recorded.Envelope;
        var signer = new WebhookSigner(RecordedDelivery.Secret, new FakeTimeProvider(recorded.SentAt));
        foreach (var missing in envelope.GetProperty("data").EnumerateObject().Select(p => p.Name))
        {
            var data = new Dictionary<string, JsonElement>(envelope.GetProperty("data").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value)));
            data.Remove(missing);
            var signed = signer.CreateDelivery(envelope.GetProperty("entity").GetString()!, envelope.GetProperty("action").GetString()!, JsonSerializer.SerializeToElement(data));

            var result = VerifierAt(recorded).Verify(signed.DeliveryId, signed.Timestamp, signed.Signature, signed.Body.Span);

            Assert.Equal(WebhookRejectionReason.PayloadMismatch, result.Reason);
            Assert.Contains($"'{missing}'", result.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void A_recorded_payload_under_an_unknown_event_is_an_unknown_event(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        var envelope = recorded.Envelope;
        var signer = new WebhookSigner(RecordedDelivery.Secret, new FakeTimeProvider(recorded.SentAt));
        var entity = envelope.GetProperty("entity").GetString()!;
        foreach (var (e, a) in new[] { (entity, "updated"), (entity + "s", envelope.GetProperty("action").GetString()!), (entity.ToUpperInvariant(), envelope.GetProperty("action").GetString()!) })
        {
            var signed = signer.CreateDelivery(e, a, envelope.GetProperty("data"));

            var result = VerifierAt(recorded).Verify(signed.DeliveryId, signed.Timestamp, signed.Signature, signed.Body.Span);

            Assert.Equal(WebhookRejectionReason.UnknownEvent, result.Reason);
            Assert.False(new WebhookEvent(e, a).IsKnown);
        }
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

    /// <summary>The typed properties of a case by wire name, read through the exhaustive <see cref="WebhookPayload.Match{TResult}"/>.</summary>
    private static Dictionary<string, object?> TypedFields(WebhookPayload payload) => payload.Match(
        registeredModelCreated: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["tags"] = p.Data.Tags, ["description"] = p.Data.Description },
        modelVersionCreated: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["version"] = p.Data.Version, ["source"] = p.Data.Source, ["run_id"] = p.Data.RunId, ["tags"] = p.Data.Tags, ["description"] = p.Data.Description },
        modelVersionTagSet: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["version"] = p.Data.Version, ["key"] = p.Data.Key, ["value"] = p.Data.Value },
        modelVersionTagDeleted: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["version"] = p.Data.Version, ["key"] = p.Data.Key },
        modelVersionAliasCreated: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["alias"] = p.Data.Alias, ["version"] = p.Data.Version },
        modelVersionAliasDeleted: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["alias"] = p.Data.Alias },
        promptCreated: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["tags"] = p.Data.Tags, ["description"] = p.Data.Description },
        promptVersionCreated: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["version"] = p.Data.Version, ["template"] = p.Data.Template, ["tags"] = p.Data.Tags, ["description"] = p.Data.Description },
        promptTagSet: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["key"] = p.Data.Key, ["value"] = p.Data.Value },
        promptTagDeleted: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["key"] = p.Data.Key },
        promptVersionTagSet: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["version"] = p.Data.Version, ["key"] = p.Data.Key, ["value"] = p.Data.Value },
        promptVersionTagDeleted: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["version"] = p.Data.Version, ["key"] = p.Data.Key },
        promptAliasCreated: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["alias"] = p.Data.Alias, ["version"] = p.Data.Version },
        promptAliasDeleted: p => new Dictionary<string, object?> { ["name"] = p.Data.Name, ["alias"] = p.Data.Alias },
        budgetPolicyExceeded: p => new Dictionary<string, object?>
        {
            ["budget_policy_id"] = p.Data.BudgetPolicyId,
            ["budget_unit"] = p.Data.BudgetUnit,
            ["budget_amount"] = p.Data.BudgetAmount,
            ["current_spend"] = p.Data.CurrentSpend,
            ["duration_unit"] = p.Data.DurationUnit,
            ["duration_value"] = p.Data.DurationValue,
            ["target_scope"] = p.Data.TargetScope,
            ["workspace"] = p.Data.Workspace,
            ["window_start"] = p.Data.WindowStart,
        });

    /// <summary>A typed value equals the recorded JSON value (enums by their wire value).</summary>
    private static void AssertSameValue(JsonElement expected, object? actual, string what)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Null:
                Assert.True(actual is null, what);
                break;
            case JsonValueKind.String when actual is WebhookBudgetUnit or WebhookBudgetDurationUnit or WebhookBudgetTargetScope:
                // Open enums: the wire value, and one the spec lists.
                Assert.True(expected.GetString() == actual.ToString(), what);
                Assert.True((bool)actual.GetType().GetProperty("IsKnown")!.GetValue(actual)!, what);
                break;
            case JsonValueKind.String:
                Assert.True(expected.GetString() == Assert.IsType<string>(actual), what);
                break;
            case JsonValueKind.Number when actual is double d:
                Assert.True(expected.GetDouble() == d, what);
                break;
            case JsonValueKind.Number:
                Assert.True(expected.GetInt64() == Convert.ToInt64(actual, CultureInfo.InvariantCulture), what);
                Assert.True(actual is int or long, what);
                break;
            case JsonValueKind.Object:
                var map = Assert.IsType<Dictionary<string, string>>(actual);
                Assert.Equal(
                    expected.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).OrderBy(p => p.Key, StringComparer.Ordinal),
                    map.OrderBy(p => p.Key, StringComparer.Ordinal));
                break;
            default:
                Assert.Fail($"{what}: unexpected JSON {expected.ValueKind}");
                break;
        }
    }

    private static VerifiedWebhookDelivery Verify(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        var result = VerifierAt(recorded).Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body);
        Assert.True(result.IsVerified, result.ToString());
        return result.Delivery;
    }
}
