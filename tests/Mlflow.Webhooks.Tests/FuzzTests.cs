using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Mlflow.Webhooks.Tests;

/// <summary>
/// Random and mutated deliveries (headers and bodies, unsigned and signed with the right secret so that hostile
/// bodies reach the JSON, envelope and payload checks): the verifier never throws, and nothing tampered verifies.
/// Deterministic (fixed seed); no timing involved.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261122;

    // 8 x 12,520 = 100,020 cases per run (MLFLOW_FUZZ_SCALE=n for n x 12,520 when run by hand).
    private static readonly int Scale = int.TryParse(Environment.GetEnvironmentVariable("MLFLOW_FUZZ_SCALE"), out var s) && s > 0 ? s : 8;
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1795386986);

    private static readonly string[] Entities = ["registered_model", "model_version", "model_version_tag", "model_version_alias", "prompt", "prompt_version", "prompt_tag", "prompt_version_tag", "prompt_alias", "budget_policy", "run", "", "MODEL_VERSION"];
    private static readonly string[] Actions = ["created", "set", "deleted", "exceeded", "updated", ""];
    private static readonly string[] FieldNames = ["name", "version", "tags", "description", "source", "run_id", "key", "value", "alias", "template", "budget_policy_id", "budget_unit", "budget_amount", "current_spend", "duration_unit", "duration_value", "target_scope", "workspace", "window_start", "entity", "data", ""];
    private static readonly string[] JsonTokens = ["{", "}", "[", "]", "\"", "\\", "\\u", "\\ud800", "\\udc00", "\\u0000", "NaN", "Infinity", "1e999", "-0", "null", "true", ",", ":", "\"entity\"", "\"data\"", "\"workspace\"", "{\"a\":1}", "/*", "//", "\u00ff", "\ufeff", "\t", "\n"];
    private static readonly byte[][] ByteTokens = [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0x00], [0xE2, 0x82]];

    // The payload shapes of MLflow 3.11 (mlflow-rest-surface.md §10.2), kept here as an independent oracle.
    // s: string, n: string or null, m: object of strings, d: number, i: integer.
    private static readonly (string Event, string Fields)[] Payloads =
    [
        ("registered_model.created", "name:s tags:m description:n"),
        ("model_version.created", "name:s version:s source:s run_id:n tags:m description:n"),
        ("model_version_tag.set", "name:s version:s key:s value:s"),
        ("model_version_tag.deleted", "name:s version:s key:s"),
        ("model_version_alias.created", "name:s alias:s version:s"),
        ("model_version_alias.deleted", "name:s alias:s"),
        ("prompt.created", "name:s tags:m description:n"),
        ("prompt_version.created", "name:s version:s template:s tags:m description:n"),
        ("prompt_tag.set", "name:s key:s value:s"),
        ("prompt_tag.deleted", "name:s key:s"),
        ("prompt_version_tag.set", "name:s version:s key:s value:s"),
        ("prompt_version_tag.deleted", "name:s version:s key:s"),
        ("prompt_alias.created", "name:s alias:s version:s"),
        ("prompt_alias.deleted", "name:s alias:s"),
        ("budget_policy.exceeded", "budget_policy_id:s budget_unit:s budget_amount:d current_spend:d duration_unit:s duration_value:i target_scope:s workspace:n window_start:i"),
    ];

    private static string RandomPayload(Random rng, string fields, bool hostile)
    {
        var members = new List<string>();
        foreach (var field in fields.Split(' '))
        {
            var (name, kind) = (field[..^2], field[^1]);
            var value = kind switch
            {
                's' => JsonString(RandomPlainString(rng, hostile)),
                'n' => rng.Next(3) == 0 ? "null" : JsonString(RandomPlainString(rng, hostile)),
                'm' => "{" + string.Join(", ", Enumerable.Range(0, rng.Next(4)).Select(k => JsonString("k" + k + RandomPlainString(rng, hostile)) + ": " + JsonString(RandomPlainString(rng, hostile)))) + "}",
                'd' => (rng.NextDouble() * 1000).ToString("R", CultureInfo.InvariantCulture),
                _ => rng.NextInt64(0, 1L << 50).ToString(CultureInfo.InvariantCulture),
            };
            if (rng.Next(40) == 0)
            {
                value = RandomJson(rng, 2, hostile); // occasionally the wrong kind
            }

            if (rng.Next(60) != 0)
            {
                members.Add(JsonString(name) + ": " + value); // occasionally missing
            }
        }

        if (rng.Next(5) == 0)
        {
            members.Add("\"extra_field\": " + RandomJson(rng, 2, hostile));
        }

        return "{" + string.Join(", ", members.OrderBy(_ => rng.Next())) + "}";
    }

    /// <summary>Found by the 100,000-case fuzz (case 27468): whitespace inside the base64 must not verify (Convert would skip it).</summary>
    [Fact]
    public void Signature_with_whitespace_inside_is_refused()
    {
        var verifier = new WebhookVerifier(new WebhookVerifierOptions { Secrets = [RecordedDelivery.Secret], TimeProvider = new FakeTimeProvider(Now) });
        var signer = new WebhookSigner(RecordedDelivery.Secret, new FakeTimeProvider(Now));
        var body = RecordedDelivery.Signed.First().Body;
        var signed = signer.Sign(body);
        var tampered = signed.Signature.Insert(signed.Signature.Length / 2, "\t");
        Assert.False(verifier.Verify(signed.DeliveryId, signed.Timestamp, tampered, body).IsVerified);
    }

    [Fact]
    public void A_hundred_thousand_hostile_inputs_never_throw_and_never_verify_when_tampered()
    {
        var rng = new Random(Seed);
        var verifier = new WebhookVerifier(new WebhookVerifierOptions
        {
            Secrets = ["rotated-out", RecordedDelivery.Secret],
            TimeProvider = new FakeTimeProvider(Now),
            MaxBodyBytes = 64 * 1024,
        });
        var signer = new WebhookSigner(RecordedDelivery.Secret, new FakeTimeProvider(Now));
        var recorded = RecordedDelivery.Signed.ToArray();
        var reasons = new Dictionary<string, int>();
        var failures = new List<string>();
        var cases = 0;

        void Run(string kind, string? id, string? ts, string? sig, byte[] body, Action<WebhookVerificationResult>? check = null)
        {
            cases++;
            try
            {
                var result = verifier.Verify(id, ts, sig, body);
                Assert.Equal(result.IsVerified, result.Reason == WebhookRejectionReason.None);
                Assert.Equal(result.IsVerified, result.Delivery is not null);
                if (result.IsVerified)
                {
                    Assert.Equal(JsonValueKind.Object, result.Delivery.Data.ValueKind);
                    Assert.True(result.Delivery.Event.IsKnown);
                    Assert.True(DefaultWebhookPayloadReader.Instance.IsKnownEvent(result.Delivery.Entity, result.Delivery.Action));
                    var payload = result.Delivery.Payload;
                    Assert.NotNull(payload);
                    Assert.Equal(WebhookPayload.CaseTypeFor(result.Delivery.Event), payload.GetType());
                    Assert.Equal(result.Delivery.EventTimestamp, payload.Timestamp);
                    Assert.Equal(body, result.Delivery.RawBody.ToArray());
                }
                else
                {
                    Assert.NotNull(result.Message);
                    Assert.DoesNotContain(RecordedDelivery.Secret, result.Message, StringComparison.Ordinal);
                }

                check?.Invoke(result);
                var key = kind + " -> " + result.Reason.ToCode();
                reasons[key] = reasons.GetValueOrDefault(key) + 1;
            }
            catch (Exception e)
            {
                failures.Add($"case {cases} ({kind}): {e}");
            }
        }

        // 1. Everything random: headers (sometimes absent) and body bytes.
        for (var i = 0; i < 3000 * Scale; i++)
        {
            Run("random", MaybeNull(rng, RandomString(rng, 60)), MaybeNull(rng, RandomTimestamp(rng)), MaybeNull(rng, RandomSignature(rng)), RandomBytes(rng, 400),
                r => Assert.False(r.IsVerified));
        }

        // 2. A real delivery with its real signature, headers and/or body mutated: verifies only if nothing changed.
        for (var i = 0; i < 3000 * Scale; i++)
        {
            var d = recorded[rng.Next(recorded.Length)];
            var (id, ts, sig, body) = (d.DeliveryId, d.Timestamp, d.Signature!, d.Body);
            switch (rng.Next(5))
            {
                case 0: id = MutateString(rng, id); break;
                case 1: ts = MutateString(rng, ts); break;
                case 2: sig = MutateString(rng, sig); break;
                case 3: body = MutateBytes(rng, body); break;
                default:
                    id = MutateString(rng, id);
                    ts = MutateString(rng, ts);
                    sig = MutateString(rng, sig);
                    body = MutateBytes(rng, body);
                    break;
            }

            Run("mutated", id, ts, sig, body, r =>
            {
                if (r.IsVerified)
                {
                    Assert.Equal(d.DeliveryId, id);
                    Assert.Equal(d.Timestamp, ts);
                    Assert.Equal(d.Body, body);
                    // Whitespace inside the base64 is skipped by Convert.FromBase64String, so such a header still
                    // carries the right signature (see Signature_with_whitespace_inside_is_accepted).
                    Assert.Contains(d.Signature!, new string([.. sig.Where(c => !char.IsWhiteSpace(c) || c == ' ')]), StringComparison.Ordinal);
                }
            });
        }

        // 3. A real body mutated, then signed with the right secret: hostile bytes reach the JSON and envelope checks.
        for (var i = 0; i < 3000 * Scale; i++)
        {
            var d = recorded[rng.Next(recorded.Length)];
            var body = MutateBytes(rng, d.Body);
            var signed = signer.Sign(body);
            Run("signed-mutated", signed.DeliveryId, signed.Timestamp, signed.Signature, body);
        }

        // 4. Generated envelopes (random events, random data of random shapes, hostile strings), signed.
        for (var i = 0; i < 2500 * Scale; i++)
        {
            var entity = Pick(rng, Entities);
            var action = Pick(rng, Actions);
            var hostile = rng.Next(3) == 0;
            var data = RandomJson(rng, 0, hostile, objectAtTop: rng.Next(6) != 0);
            if (rng.Next(2) == 0)
            {
                // A payload of the right shape for a real event, with random values.
                var (name, fields) = Pick(rng, Payloads);
                (entity, action) = (name[..name.IndexOf('.', StringComparison.Ordinal)], name[(name.IndexOf('.', StringComparison.Ordinal) + 1)..]);
                data = RandomPayload(rng, fields, hostile);
            }
            byte[] body;
            JsonElement? element = null;
            if (!hostile && rng.Next(2) == 0)
            {
                using var doc = JsonDocument.Parse(data);
                element = doc.RootElement.Clone();
                body = WebhookSigner.CreateEnvelope(entity, action, element.Value, Now.AddTicks(rng.Next()), rng.Next(4) == 0 ? "ws-" + i : null);
            }
            else
            {
                body = Encoding.UTF8.GetBytes(RandomEnvelopeText(rng, entity, action, data));
            }

            // The generated union's TryParse on its own (the default reader also guards it): never throws.
            try
            {
                using var direct = JsonDocument.Parse(data);
                WebhookPayload.TryParse(entity, action, direct.RootElement, out _, out _);
            }
            catch (JsonException)
            {
                // not JSON: the verifier rejects it before any payload reading
            }
            catch (Exception e)
            {
                failures.Add($"WebhookPayload.TryParse({entity}, {action}): {e}");
            }

            var signed = signer.Sign(body);
            Run("signed-generated", signed.DeliveryId, signed.Timestamp, signed.Signature, body, r =>
            {
                if (r.IsVerified && element is { } expected)
                {
                    Assert.True(JsonElement.DeepEquals(expected, r.Delivery.Data));
                    Assert.Equal(entity, r.Delivery.Entity);
                    Assert.Equal(action, r.Delivery.Action);
                }
            });
        }

        // 5. A valid body signed over hostile header values (the signature matches whatever the headers say).
        for (var i = 0; i < 1000 * Scale; i++)
        {
            var d = recorded[rng.Next(recorded.Length)];
            var id = rng.Next(2) == 0 ? RandomString(rng, 300) : MutateString(rng, d.DeliveryId);
            var ts = rng.Next(2) == 0 ? RandomTimestamp(rng) : MutateString(rng, Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            var sig = signer.ComputeSignature(id, ts, d.Body);
            if (rng.Next(3) == 0)
            {
                sig = string.Join(' ', Enumerable.Range(0, rng.Next(1, 40)).Select(_ => rng.Next(4) == 0 ? sig : RandomSignature(rng)));
            }

            Run("signed-headers", id, ts, sig, d.Body);
        }

        // 6. Oversized bodies.
        for (var i = 0; i < 20; i++)
        {
            var body = RandomBytes(rng, 1);
            Array.Resize(ref body, verifier.MaxBodyBytes + 1 + rng.Next(1000));
            var signed = signer.Sign(body);
            Run("oversized", signed.DeliveryId, signed.Timestamp, signed.Signature, body, r => Assert.Equal(WebhookRejectionReason.BodyTooLarge, r.Reason));
        }

        output.WriteLine($"fuzz cases: {cases}, unhandled exceptions: {failures.Count}");
        foreach (var (key, count) in reasons.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {key}: {count}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(3)));
        Assert.True(cases >= 12_500 * Scale, $"only {cases} cases");
        Assert.Contains(reasons.Keys, k => k.StartsWith("signed-generated -> none", StringComparison.Ordinal));
        Assert.Contains(reasons.Keys, k => k.StartsWith("signed-mutated -> malformed_json", StringComparison.Ordinal));
        Assert.Contains(reasons.Keys, k => k.StartsWith("signed-generated -> payload_mismatch", StringComparison.Ordinal));
    }

    private static T Pick<T>(Random rng, T[] items) => items[rng.Next(items.Length)];

    private static string? MaybeNull(Random rng, string value) => rng.Next(10) == 0 ? null : value;

    private static char RandomChar(Random rng) => rng.Next(8) switch
    {
        0 => (char)rng.Next(0, 0x20),
        1 => (char)rng.Next(0x80, 0x800),
        2 => (char)rng.Next(0xD800, 0xE000), // lone surrogate halves
        3 => (char)rng.Next(0xE000, 0x10000),
        4 => (char)rng.Next('0', '9' + 1),
        _ => (char)rng.Next(0x20, 0x7F),
    };

    private static string RandomString(Random rng, int maxLength)
    {
        var length = rng.Next(20) == 0 ? rng.Next(maxLength * 10) : rng.Next(maxLength);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = RandomChar(rng);
        }

        return new string(chars);
    }

    private static string RandomTimestamp(Random rng) => rng.Next(6) switch
    {
        0 => Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        1 => (Now.ToUnixTimeSeconds() + rng.Next(-1000, 1000)).ToString(CultureInfo.InvariantCulture),
        2 => rng.NextInt64().ToString(CultureInfo.InvariantCulture),
        3 => new string('9', rng.Next(1, 40)),
        4 => "-" + rng.Next(),
        _ => RandomString(rng, 25),
    };

    private static string RandomSignature(Random rng)
    {
        var digest = new byte[rng.Next(8) == 0 ? rng.Next(64) : 32];
        rng.NextBytes(digest);
        return rng.Next(6) switch
        {
            0 => RandomString(rng, 80),
            1 => "v1," + RandomString(rng, 50),
            2 => "v1," + Convert.ToBase64String(digest).TrimEnd('='),
            3 => string.Join(' ', Enumerable.Range(0, rng.Next(50)).Select(_ => "v1," + Convert.ToBase64String(digest))),
            _ => "v1," + Convert.ToBase64String(digest),
        };
    }

    private static byte[] RandomBytes(Random rng, int maxLength)
    {
        var bytes = new byte[rng.Next(maxLength)];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static string MutateString(Random rng, string value)
    {
        var builder = new StringBuilder(value);
        for (var n = rng.Next(1, 4); n > 0; n--)
        {
            var position = builder.Length == 0 ? 0 : rng.Next(builder.Length);
            switch (rng.Next(5))
            {
                case 0 when builder.Length > 0: builder[position] = RandomChar(rng); break;
                case 1: builder.Insert(position, RandomChar(rng)); break;
                case 2 when builder.Length > 0: builder.Remove(position, 1); break;
                case 3: builder.Length = position; break;
                default: builder.Insert(position, rng.Next(2) == 0 ? " " : "v1,"); break;
            }
        }

        return builder.ToString();
    }

    private static byte[] MutateBytes(Random rng, byte[] value)
    {
        var bytes = new List<byte>(value);
        for (var n = rng.Next(1, 6); n > 0; n--)
        {
            var position = bytes.Count == 0 ? 0 : rng.Next(bytes.Count);
            switch (rng.Next(8))
            {
                case 0 when bytes.Count > 0: bytes[position] ^= (byte)(1 << rng.Next(8)); break;
                case 1 when bytes.Count > 0: bytes[position] = (byte)rng.Next(256); break;
                case 2: bytes.Insert(position, (byte)rng.Next(256)); break;
                case 3 when bytes.Count > 0: bytes.RemoveRange(position, Math.Min(bytes.Count - position, rng.Next(1, 20))); break;
                case 4: bytes.RemoveRange(position, bytes.Count - position); break;
                case 5: bytes.InsertRange(position, Encoding.UTF8.GetBytes(Pick(rng, JsonTokens))); break;
                case 6: bytes.InsertRange(position, Pick(rng, ByteTokens)); break;
                default:
                    var depth = rng.Next(1, 200);
                    bytes.InsertRange(position, Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', rng.Next(depth + 1))));
                    break;
            }
        }

        return [.. bytes];
    }

    private static string JsonString(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                builder.Append('\\').Append(c);
            }
            else if (c is < ' ' or > '~')
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.Append('"').ToString();
    }

    private static string RandomPlainString(Random rng, bool hostile)
    {
        if (hostile)
        {
            return RandomString(rng, 30);
        }

        var chars = new char[rng.Next(20)];
        for (var i = 0; i < chars.Length; i++)
        {
            // Valid UTF-16 only (no lone surrogates), so the signer can serialize it.
            var c = RandomChar(rng);
            chars[i] = char.IsSurrogate(c) ? 'x' : c;
        }

        return new string(chars);
    }

    private static string RandomJson(Random rng, int depth, bool hostile, bool objectAtTop = false)
    {
        var kind = objectAtTop ? 0 : rng.Next(depth > 3 ? 2 : 0, 9);
        switch (kind)
        {
            case 0:
                var members = Enumerable.Range(0, rng.Next(10))
                    .Select(_ => JsonString(rng.Next(3) == 0 ? RandomPlainString(rng, hostile) : Pick(rng, FieldNames)) + ": " + RandomJson(rng, depth + 1, hostile))
                    .Distinct();
                return "{" + string.Join(", ", members.DistinctBy(m => m[..m.IndexOf("\": ", StringComparison.Ordinal)])) + "}";
            case 1:
                return "[" + string.Join(", ", Enumerable.Range(0, rng.Next(5)).Select(_ => RandomJson(rng, depth + 1, hostile))) + "]";
            case 2:
            case 3:
            case 4:
                return JsonString(RandomPlainString(rng, hostile));
            case 5:
                return rng.Next(4) switch
                {
                    0 => rng.Next().ToString(CultureInfo.InvariantCulture),
                    1 => (rng.NextDouble() * 1e6).ToString("R", CultureInfo.InvariantCulture),
                    2 => "1e308",
                    _ => "-" + rng.NextInt64().ToString(CultureInfo.InvariantCulture),
                };
            case 6:
                return rng.Next(2) == 0 ? "true" : "false";
            case 7:
                return "null";
            default:
                return "{\"k\": " + JsonString(RandomPlainString(rng, hostile)) + "}";
        }
    }

    private static string RandomEnvelopeText(Random rng, string entity, string action, string data)
    {
        var members = new List<string>();
        if (rng.Next(12) != 0)
        {
            members.Add("\"entity\": " + (rng.Next(15) == 0 ? RandomJson(rng, 3, hostile: true) : JsonString(entity)));
        }

        if (rng.Next(12) != 0)
        {
            members.Add("\"action\": " + (rng.Next(15) == 0 ? RandomJson(rng, 3, hostile: true) : JsonString(action)));
        }

        if (rng.Next(12) != 0)
        {
            members.Add("\"timestamp\": " + (rng.Next(8) == 0 ? JsonString(RandomString(rng, 30)) : JsonString(WebhookSigner.FormatIsoTimestamp(Now))));
        }

        if (rng.Next(12) != 0)
        {
            members.Add("\"data\": " + data);
        }

        if (rng.Next(4) == 0)
        {
            members.Add("\"workspace\": " + RandomJson(rng, 3, hostile: true));
        }

        if (rng.Next(10) == 0 && members.Count > 0)
        {
            members.Add(members[rng.Next(members.Count)]); // duplicate member
        }

        return "{" + string.Join(", ", members.OrderBy(_ => rng.Next())) + "}";
    }
}
