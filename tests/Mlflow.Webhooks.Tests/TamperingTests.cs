using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Mlflow.Webhooks.Tests;

/// <summary>Each kind of tampering with a real delivery is rejected, with the right reason.</summary>
public sealed class TamperingTests
{
    private static WebhookVerifier VerifierAt(DateTimeOffset now, string secret = RecordedDelivery.Secret) => new(secret, new FakeTimeProvider(now));

    private static WebhookVerificationResult VerifyRecorded(RecordedDelivery d, string? deliveryId = null, string? timestamp = null,
        string? signature = null, byte[]? body = null, DateTimeOffset? now = null, string secret = RecordedDelivery.Secret) =>
        VerifierAt(now ?? d.SentAt, secret).Verify(deliveryId ?? d.DeliveryId, timestamp ?? d.Timestamp, signature ?? d.Signature, body ?? d.Body);

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void Changing_any_one_byte_of_the_body_is_a_signature_mismatch(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        var verifier = VerifierAt(recorded.SentAt);
        var body = recorded.Body.ToArray();
        for (var i = 0; i < body.Length; i++)
        {
            foreach (var mask in new byte[] { 0x01, 0x20, 0x80 })
            {
                body[i] ^= mask;
                var result = verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, body);
                body[i] ^= mask;
                Assert.True(result.Reason == WebhookRejectionReason.SignatureMismatch, $"byte {i} ^ {mask:x2}: {result}");
            }
        }

        // Removing or adding a byte too.
        Assert.Equal(WebhookRejectionReason.SignatureMismatch, verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, body[..^1]).Reason);
        Assert.Equal(WebhookRejectionReason.SignatureMismatch, verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, [.. body, (byte)' ']).Reason);
        Assert.True(verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, body).IsVerified);
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void Changing_any_character_of_the_delivery_id_is_a_signature_mismatch(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        for (var i = 0; i < recorded.DeliveryId.Length; i++)
        {
            var chars = recorded.DeliveryId.ToCharArray();
            chars[i] = chars[i] == '0' ? '1' : '0';
            Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, deliveryId: new string(chars)).Reason);
        }

        Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, deliveryId: recorded.DeliveryId.ToUpperInvariant()).Reason);
        Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, deliveryId: recorded.DeliveryId + "0").Reason);
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void Changing_the_timestamp_within_the_tolerance_is_a_signature_mismatch(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        foreach (var delta in new[] { -300, -1, 1, 299 })
        {
            var changed = (recorded.UnixSeconds + delta).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, timestamp: changed).Reason);
        }

        Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, timestamp: "0" + recorded.Timestamp).Reason);
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void Another_secret_is_a_signature_mismatch(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        foreach (var secret in new[] { "wire-corpus-secreT", "wire-corpus-secret ", "wire-corpus-secre", "WIRE-CORPUS-SECRET", "x" })
        {
            Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, secret: secret).Reason);
        }
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void Changing_the_signature_header_is_rejected(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        var digest = Convert.FromBase64String(recorded.Signature![3..]);
        for (var i = 0; i < digest.Length; i++)
        {
            var flipped = digest.ToArray();
            flipped[i] ^= 0x01;
            Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, signature: "v1," + Convert.ToBase64String(flipped)).Reason);
        }

        var base64 = recorded.Signature[3..];
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: "v2," + base64).Reason);
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: "V1," + base64).Reason);
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: base64).Reason);
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: "v1," + base64[..^4]).Reason);
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: "v1," + base64 + "AAAA").Reason);
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: "v1," + base64.Replace('=', '!')).Reason);
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: "v1,").Reason);
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: "v1," + Convert.ToBase64String(digest[..31])).Reason);
        Assert.Equal(WebhookRejectionReason.MalformedSignature, VerifyRecorded(recorded, signature: new string('v', WebhookVerifier.MaxSignatureHeaderLength + 1)).Reason);

        // Several entries (rotation on the sender side): one good entry is enough, in any position.
        var other = "v1," + Convert.ToBase64String(new byte[32]);
        Assert.True(VerifyRecorded(recorded, signature: other + " " + recorded.Signature).IsVerified);
        Assert.True(VerifyRecorded(recorded, signature: recorded.Signature + "  v2,abc " + other).IsVerified);
        Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, signature: other + " " + other).Reason);
    }

    [Theory]
    [MemberData(nameof(RecordedDelivery.SignedIds), MemberType = typeof(RecordedDelivery))]
    public void The_timestamp_must_be_within_the_tolerance_in_both_directions(string id)
    {
        var recorded = RecordedDelivery.Get(id);
        Assert.True(VerifyRecorded(recorded, now: recorded.SentAt.AddSeconds(300)).IsVerified);
        Assert.True(VerifyRecorded(recorded, now: recorded.SentAt.AddSeconds(-300)).IsVerified);
        Assert.Equal(WebhookRejectionReason.StaleTimestamp, VerifyRecorded(recorded, now: recorded.SentAt.AddSeconds(300).AddTicks(1)).Reason);
        Assert.Equal(WebhookRejectionReason.FutureTimestamp, VerifyRecorded(recorded, now: recorded.SentAt.AddSeconds(-300).AddTicks(-1)).Reason);
        Assert.Equal(WebhookRejectionReason.StaleTimestamp, VerifyRecorded(recorded, now: recorded.SentAt.AddDays(400)).Reason);

        // A replay with a fresh timestamp header is caught by the signature.
        var fresh = (recorded.UnixSeconds + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(WebhookRejectionReason.SignatureMismatch, VerifyRecorded(recorded, timestamp: fresh, now: recorded.SentAt.AddHours(1)).Reason);
    }

    [Fact]
    public void The_tolerance_is_configurable()
    {
        var recorded = RecordedDelivery.Get("0021");
        var clock = new FakeTimeProvider(recorded.SentAt.AddSeconds(29));
        var strict = new WebhookVerifier(new WebhookVerifierOptions { Secrets = [RecordedDelivery.Secret], Tolerance = TimeSpan.FromSeconds(30), TimeProvider = clock });
        Assert.True(strict.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body).IsVerified);

        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(WebhookRejectionReason.StaleTimestamp, strict.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body).Reason);
    }

    [Fact]
    public void A_missing_header_is_named()
    {
        var d = RecordedDelivery.Get("0019");
        var verifier = VerifierAt(d.SentAt);
        foreach (var empty in new[] { null, "" })
        {
            AssertMissing(verifier.Verify(empty, d.Timestamp, d.Signature, d.Body), WebhookHeaders.DeliveryId);
            AssertMissing(verifier.Verify(d.DeliveryId, empty, d.Signature, d.Body), WebhookHeaders.Timestamp);
            AssertMissing(verifier.Verify(d.DeliveryId, d.Timestamp, empty, d.Body), WebhookHeaders.Signature);
        }

        static void AssertMissing(WebhookVerificationResult result, string header)
        {
            Assert.Equal(WebhookRejectionReason.MissingHeader, result.Reason);
            Assert.Equal(header, result.HeaderName);
            Assert.Equal(401, result.Reason.ToHttpStatusCode());
        }
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("tab\there")]
    [InlineData("caf\u00e9")]
    [InlineData("\ud800")]
    [InlineData("line\nbreak")]
    public void A_delivery_id_outside_visible_ascii_is_malformed(string deliveryId)
    {
        var d = RecordedDelivery.Get("0019");
        var result = VerifierAt(d.SentAt).Verify(deliveryId, d.Timestamp, d.Signature, d.Body);
        Assert.Equal(WebhookRejectionReason.MalformedHeader, result.Reason);
        Assert.Equal(WebhookHeaders.DeliveryId, result.HeaderName);
    }

    [Fact]
    public void A_delivery_id_longer_than_the_limit_is_malformed()
    {
        var d = RecordedDelivery.Get("0019");
        var verifier = VerifierAt(d.SentAt);
        Assert.Equal(WebhookRejectionReason.MalformedHeader, verifier.Verify(new string('a', WebhookVerifier.MaxDeliveryIdLength + 1), d.Timestamp, d.Signature, d.Body).Reason);
        Assert.Equal(WebhookRejectionReason.SignatureMismatch, verifier.Verify(new string('a', WebhookVerifier.MaxDeliveryIdLength), d.Timestamp, d.Signature, d.Body).Reason);
    }

    [Theory]
    [InlineData("-1795386986", WebhookRejectionReason.MalformedHeader)]
    [InlineData("+1795386986", WebhookRejectionReason.MalformedHeader)]
    [InlineData("1795386986.5", WebhookRejectionReason.MalformedHeader)]
    [InlineData(" 1795386986", WebhookRejectionReason.MalformedHeader)]
    [InlineData("1795386986 ", WebhookRejectionReason.MalformedHeader)]
    [InlineData("1795386986000", WebhookRejectionReason.FutureTimestamp)]
    [InlineData("0x6B0A1E6A", WebhookRejectionReason.MalformedHeader)]
    [InlineData("\u0661\u0667\u0669\u0665", WebhookRejectionReason.MalformedHeader)]
    [InlineData("99999999999999999999", WebhookRejectionReason.MalformedHeader)]
    [InlineData("9223372036854775807", WebhookRejectionReason.FutureTimestamp)]
    [InlineData("0", WebhookRejectionReason.StaleTimestamp)]
    [InlineData("2026-11-22T22:36:26Z", WebhookRejectionReason.MalformedHeader)]
    public void A_timestamp_that_is_not_unix_seconds_near_now_is_rejected(string timestamp, WebhookRejectionReason reason)
    {
        var d = RecordedDelivery.Get("0019");
        var result = VerifierAt(d.SentAt).Verify(d.DeliveryId, timestamp, d.Signature, d.Body);
        Assert.Equal(reason, result.Reason);
        Assert.Equal(401, result.Reason.ToHttpStatusCode());
    }

    [Fact]
    public void A_body_over_the_limit_is_rejected_before_the_signature_is_computed()
    {
        var d = RecordedDelivery.Get("0020");
        WebhookVerifier WithLimit(int limit) => new(new WebhookVerifierOptions
        {
            Secrets = [RecordedDelivery.Secret],
            MaxBodyBytes = limit,
            TimeProvider = new FakeTimeProvider(d.SentAt),
        });

        var result = WithLimit(d.Body.Length - 1).Verify(d.DeliveryId, d.Timestamp, d.Signature, d.Body);
        Assert.Equal(WebhookRejectionReason.BodyTooLarge, result.Reason);
        Assert.Equal(413, result.Reason.ToHttpStatusCode());
        Assert.True(WithLimit(d.Body.Length).Verify(d.DeliveryId, d.Timestamp, d.Signature, d.Body).IsVerified);
    }

    [Fact]
    public void Rejection_messages_carry_no_secret_signature_or_header_value()
    {
        var d = RecordedDelivery.Get("0020");
        var expected = new WebhookSigner(RecordedDelivery.Secret).ComputeSignature(d.DeliveryId, d.Timestamp, d.Body);
        var tampered = d.Body.ToArray();
        tampered[^3] ^= 1;
        var results = new[]
        {
            VerifyRecorded(d, body: tampered),
            VerifyRecorded(d, secret: "another-secret"),
            VerifyRecorded(d, signature: "v1,AAAA"),
            VerifyRecorded(d, timestamp: "12345"),
            VerifyRecorded(d, timestamp: "12x45"),
            VerifyRecorded(d, deliveryId: "evil id"),
            VerifyRecorded(d, now: d.SentAt.AddHours(1)),
        };

        foreach (var result in results)
        {
            Assert.False(result.IsVerified);
            Assert.NotNull(result.Message);
            foreach (var secretish in new[] { RecordedDelivery.Secret, expected, expected[3..], d.Signature!, d.Signature![3..], d.DeliveryId, d.Timestamp, "12x45", "evil id", "another-secret" })
            {
                Assert.DoesNotContain(secretish, result.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void An_authentic_body_that_is_not_a_delivery_is_rejected_with_its_reason()
    {
        var now = new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero);
        var signer = new WebhookSigner(RecordedDelivery.Secret, new FakeTimeProvider(now));
        var verifier = VerifierAt(now);
        WebhookRejectionReason Check(string body)
        {
            var signed = signer.Sign(Encoding.UTF8.GetBytes(body));
            var result = verifier.Verify(signed.DeliveryId, signed.Timestamp, signed.Signature, signed.Body.Span);
            Assert.Equal(result.IsVerified, result.Reason == WebhookRejectionReason.None);
            return result.Reason;
        }

        const string Ts = "\"2026-11-22T22:36:22.889123+00:00\"";
        const string Alias = "{\"name\": \"m\", \"alias\": \"a\", \"version\": \"1\"}";
        Assert.Equal(WebhookRejectionReason.None, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));

        Assert.Equal(WebhookRejectionReason.MalformedJson, Check(""));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check("not json"));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check("{\"entity\": "));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check("{\"a\": NaN}"));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check("{\"a\": 1,}"));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check("{} {}"));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check("/* c */ {}"));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check(new string('[', 100) + new string(']', 100)));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check($"{{\"entity\": \"prompt_alias\", \"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.MalformedJson, Check($"{{\"entity\": \"\\ud800\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));

        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check("[]"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check("\"text\""));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check("null"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"action\": \"created\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": 1, \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": \"\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": \"model_version_alias\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": \"yesterday\", \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": 1795386982, \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": {Ts}}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": [{Alias}]}}"));
        Assert.Equal(WebhookRejectionReason.InvalidEnvelope, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {Alias}, \"workspace\": 7}}"));

        Assert.Equal(WebhookRejectionReason.UnknownEvent, Check($"{{\"entity\": \"model_version\", \"action\": \"updated\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.UnknownEvent, Check($"{{\"entity\": \"MODEL_VERSION_ALIAS\", \"action\": \"CREATED\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));
        Assert.Equal(WebhookRejectionReason.UnknownEvent, Check($"{{\"entity\": \"model_version_alias.created\", \"action\": \"\\u0000\", \"timestamp\": {Ts}, \"data\": {Alias}}}"));

        Assert.Equal(WebhookRejectionReason.PayloadMismatch, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {{\"name\": \"m\", \"alias\": \"a\"}}}}"));
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, Check($"{{\"entity\": \"model_version_alias\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {{\"name\": \"m\", \"alias\": \"a\", \"version\": 1}}}}"));
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, Check($"{{\"entity\": \"registered_model\", \"action\": \"created\", \"timestamp\": {Ts}, \"data\": {{\"name\": \"m\", \"tags\": {{\"k\": 1}}, \"description\": null}}}}"));
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, Check($"{{\"entity\": \"budget_policy\", \"action\": \"exceeded\", \"timestamp\": {Ts}, \"data\": {{\"budget_policy_id\": \"bp\", \"budget_unit\": \"USD\", \"budget_amount\": 1, \"current_spend\": 2, \"duration_unit\": \"DAYS\", \"duration_value\": 1.5, \"target_scope\": \"GLOBAL\", \"workspace\": null, \"window_start\": 0}}}}"));
        // An enum value this SDK does not know (a newer MLflow's currency) is accepted, not a mismatch (UnknownValueTests).
        Assert.Equal(WebhookRejectionReason.None, Check($"{{\"entity\": \"budget_policy\", \"action\": \"exceeded\", \"timestamp\": {Ts}, \"data\": {{\"budget_policy_id\": \"bp\", \"budget_unit\": \"EUR\", \"budget_amount\": 1, \"current_spend\": 2, \"duration_unit\": \"DAYS\", \"duration_value\": 1, \"target_scope\": \"GLOBAL\", \"workspace\": null, \"window_start\": 0}}}}"));
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, Check($"{{\"entity\": \"budget_policy\", \"action\": \"exceeded\", \"timestamp\": {Ts}, \"data\": {{\"budget_policy_id\": \"bp\", \"budget_unit\": \"USD\", \"budget_amount\": 1, \"current_spend\": 2, \"duration_unit\": \"DAYS\", \"duration_value\": 1, \"target_scope\": \"GLOBAL\", \"workspace\": null, \"window_start\": 1e30}}}}"));
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, Check($"{{\"entity\": \"prompt_tag\", \"action\": \"set\", \"timestamp\": {Ts}, \"data\": {{\"name\": \"p\", \"key\": {{}}, \"value\": \"v\"}}}}"));
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, Check($"{{\"entity\": \"prompt_tag\", \"action\": \"set\", \"timestamp\": {Ts}, \"data\": {{\"name\": \"p\", \"key\": \"\\udc00\", \"value\": \"v\"}}}}"));
        Assert.Equal(WebhookRejectionReason.None, Check($"{{\"entity\": \"budget_policy\", \"action\": \"exceeded\", \"timestamp\": {Ts}, \"data\": {{\"budget_policy_id\": \"bp\", \"budget_unit\": \"USD\", \"budget_amount\": 1, \"current_spend\": 2.5e3, \"duration_unit\": \"DAYS\", \"duration_value\": 1, \"target_scope\": \"GLOBAL\", \"workspace\": null, \"window_start\": 0, \"new_field\": [1]}}}}"));
    }

    [Fact]
    public void The_workspace_is_read_from_the_envelope()
    {
        var now = new DateTimeOffset(2026, 11, 22, 23, 0, 0, TimeSpan.Zero);
        using var data = JsonDocument.Parse("{\"name\": \"m\", \"alias\": \"a\"}");
        var signed = new WebhookSigner(RecordedDelivery.Secret).CreateDelivery("prompt_alias", "deleted", data.RootElement, workspace: "team-a", timestamp: now);

        var result = VerifierAt(now).Verify(signed.DeliveryId, signed.Timestamp, signed.Signature, signed.Body.Span);

        Assert.True(result.IsVerified, result.ToString());
        Assert.Equal("team-a", result.Delivery.Workspace);
        Assert.Equal(now, result.Delivery.EventTimestamp);
        Assert.EndsWith(", \"workspace\": \"team-a\"}", Encoding.UTF8.GetString(signed.Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_reader_types_the_payload_and_decides_what_is_known()
    {
        var recorded = RecordedDelivery.Get("0023");
        var reader = new RecordingReader();
        var verifier = new WebhookVerifier(new WebhookVerifierOptions
        {
            Secrets = [RecordedDelivery.Secret],
            TimeProvider = new FakeTimeProvider(recorded.SentAt),
            PayloadReader = reader,
        });

        var result = verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body);

        Assert.True(result.IsVerified, result.ToString());
        Assert.True(result.Delivery.TryGetPayload<WebhookPayload.ModelVersionAliasCreated>(out var payload));
        Assert.Equal(("wire-wh-model", "prod", "1"), (payload.Data.Name, payload.Data.Alias, payload.Data.Version));
        Assert.Equal(result.Delivery.EventTimestamp, payload.Timestamp); // set by the verifier from the envelope
        Assert.False(result.Delivery.TryGetPayload<WebhookPayload.PromptAliasCreated>(out _));

        reader.Untyped = true;
        result = verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body);
        Assert.True(result.IsVerified, result.ToString());
        Assert.Null(result.Delivery.Payload);
        Assert.Equal(WebhookEvent.ModelVersionAliasCreated, result.Delivery.Event);
        reader.Untyped = false;

        reader.WrongCase = true;
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body).Reason);
        reader.WrongCase = false;

        reader.Known = false;
        Assert.Equal(WebhookRejectionReason.UnknownEvent, verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body).Reason);
        reader.Known = true;
        reader.Throw = true;
        Assert.Equal(WebhookRejectionReason.PayloadMismatch, verifier.Verify(recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body).Reason);
    }

    [Fact]
    public void The_default_reader_types_payloads_from_the_generated_union()
    {
        using var data = JsonDocument.Parse("{\"name\": \"m\", \"alias\": \"a\", \"version\": \"3\", \"new_field\": [1]}");
        var reader = DefaultWebhookPayloadReader.Instance;

        Assert.True(reader.TryRead("model_version_alias", "created", data.RootElement, out var payload, out var error), error);
        var alias = Assert.IsType<WebhookPayload.ModelVersionAliasCreated>(payload);
        Assert.Equal(("m", "a", "3"), (alias.Data.Name, alias.Data.Alias, alias.Data.Version));
        Assert.True(reader.IsKnownEvent("prompt_alias", "created"));
        Assert.False(reader.IsKnownEvent("prompt_alias", "updated"));
        Assert.False(reader.IsKnownEvent("prompt", "alias.created"));
        Assert.False(reader.TryRead("prompt_alias", "updated", data.RootElement, out _, out error));
        Assert.Contains("unknown", error, StringComparison.Ordinal);

        using var mistyped = JsonDocument.Parse("{\"name\": \"m\", \"alias\": [\"secret-value\"], \"version\": \"3\"}");
        Assert.False(reader.TryRead("model_version_alias", "created", mistyped.RootElement, out _, out error));
        Assert.Contains("'alias'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_configuration_fails_at_construction()
    {
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(new WebhookVerifierOptions()));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(""));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(new WebhookVerifierOptions { Secrets = ["s"], Tolerance = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(new WebhookVerifierOptions { Secrets = ["s"], MaxBodyBytes = 0 }));
        Assert.Throws<ArgumentException>(() => new WebhookSigner([]));
    }

    private sealed class RecordingReader : IWebhookPayloadReader
    {
        public bool Known { get; set; } = true;

        public bool Throw { get; set; }

        public bool Untyped { get; set; }

        public bool WrongCase { get; set; }

        public bool IsKnownEvent(string entity, string action) => Known && entity == "model_version_alias" && action == "created";

        public bool TryRead(string entity, string action, JsonElement data, out WebhookPayload? payload, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
        {
            if (Throw)
            {
                throw new FormatException("reader bug");
            }

            error = null;
            payload = Untyped ? null : WrongCase
                ? new WebhookPayload.PromptAliasDeleted(new PromptAliasDeletedPayload { Name = "p", Alias = "a" })
                : new WebhookPayload.ModelVersionAliasCreated(new ModelVersionAliasCreatedPayload
                {
                    Name = data.GetProperty("name").GetString()!,
                    Alias = data.GetProperty("alias").GetString()!,
                    Version = data.GetProperty("version").GetString()!,
                });
            return true;
        }
    }
}
