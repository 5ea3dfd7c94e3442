using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Mlflow.Webhooks.AspNetCore;
using Xunit.Abstractions;

namespace Mlflow.Webhooks.Tests;

/// <summary>Kestrel on 127.0.0.1 with MapMlflowWebhooks; deliveries sent over HTTP.</summary>
public sealed class EndToEndTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset RecordingTime = DateTimeOffset.FromUnixTimeSeconds(1795386986);

    [Fact]
    public async Task Recorded_deliveries_sent_twice_reach_the_handler_once_per_delivery_id()
    {
        var calls = new ConcurrentDictionary<string, int>();
        var seen = new ConcurrentDictionary<string, VerifiedWebhookDelivery>();
        var summaries = new ConcurrentDictionary<string, string>();
        await using var receiver = await Receiver.StartAsync(
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(RecordingTime));
                builder.Services.AddMlflowWebhooks(o => o.Secrets.Add(RecordedDelivery.Secret));
                builder.Services.AddMlflowWebhookDeduplication();
            },
            app => app.MapMlflowWebhooks("/webhook/{kind}", (delivery, http) =>
            {
                calls.AddOrUpdate(delivery.DeliveryId, 1, (_, n) => n + 1);
                seen[delivery.DeliveryId] = delivery;
                summaries[delivery.DeliveryId] = delivery.Payload switch // the typed payload, as a receiver reads it
                {
                    WebhookPayload.ModelVersionAliasCreated p => $"{p.Data.Name}@{p.Data.Alias} -> v{p.Data.Version}",
                    WebhookPayload.BudgetPolicyExceeded p => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.Data.BudgetPolicyId}: {p.Data.CurrentSpend} {p.Data.BudgetUnit} over {p.Data.BudgetAmount} per {p.Data.DurationValue} {p.Data.DurationUnit} ({p.Data.TargetScope})"),
                    { } p => p.Event.ToString(),
                    null => "untyped",
                };
                return Task.CompletedTask;
            }));

        foreach (var attempt in new[] { 1, 2 }) // MLflow retries with the same delivery id
        {
            foreach (var recorded in RecordedDelivery.All)
            {
                using var response = await receiver.PostAsync(recorded.Path, recorded.DeliveryId, recorded.Timestamp, recorded.Signature, recorded.Body);
                if (recorded.SignatureOk)
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
                else
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                    Assert.Equal("missing_header", await ErrorCodeAsync(response));
                }
            }
        }

        Assert.Equal(31, calls.Count);
        Assert.All(calls.Values, n => Assert.Equal(1, n));
        foreach (var recorded in RecordedDelivery.Signed)
        {
            var delivery = seen[recorded.DeliveryId];
            Assert.Equal(recorded.Event, delivery.EventName);
            Assert.Equal(recorded.SentAt, delivery.Timestamp);
            Assert.True(JsonElement.DeepEquals(recorded.Envelope.GetProperty("data"), delivery.Data));
            Assert.Equal(WebhookPayload.CaseTypeFor(delivery.Event), delivery.Payload?.GetType());
        }

        Assert.Equal("wire-wh-model@prod -> v1", summaries[RecordedDelivery.Get("0023").DeliveryId]);
        Assert.Equal("bp-abc123: 105.5 USD over 100 per 1 MONTHS (WORKSPACE)", summaries[RecordedDelivery.Get("0015").DeliveryId]);
        Assert.DoesNotContain("untyped", summaries.Values);

        output.WriteLine($"over HTTP: {RecordedDelivery.All.Count * 2} posts, {calls.Count} distinct verified delivery ids, each handled once");
    }

    [Fact]
    public async Task Bad_deliveries_are_answered_401_or_400_and_never_echo_secrets()
    {
        var handled = 0;
        await using var receiver = await Receiver.StartAsync(
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(RecordingTime));
                builder.Services.AddMlflowWebhooks(o => o.Secrets.Add(RecordedDelivery.Secret));
            },
            app => app.MapMlflowWebhooks("/hooks", (_, _) =>
            {
                Interlocked.Increment(ref handled);
                return Task.CompletedTask;
            }));

        var d = RecordedDelivery.Get("0021");
        var tampered = d.Body.ToArray();
        tampered[^5] ^= 1;
        var expectedSignature = new WebhookSigner(RecordedDelivery.Secret).ComputeSignature(d.DeliveryId, d.Timestamp, tampered);
        var signer = new WebhookSigner(RecordedDelivery.Secret, new FakeTimeProvider(RecordingTime));
        var notJson = signer.Sign("{\"entity\": "u8);
        var unknownEvent = signer.Sign(Encoding.UTF8.GetBytes(d.RawBody.Replace("\"set\"", "\"updated\"", StringComparison.Ordinal)));
        var stale = new WebhookSigner(RecordedDelivery.Secret).Sign(d.Body, timestamp: RecordingTime.AddMinutes(-6));

        var cases = new (string Name, Func<Task<HttpResponseMessage>> Send, HttpStatusCode Status, string Code)[]
        {
            ("tampered body", () => receiver.PostAsync("/hooks", d.DeliveryId, d.Timestamp, d.Signature, tampered), HttpStatusCode.Unauthorized, "signature_mismatch"),
            ("wrong secret", () => receiver.PostAsync("/hooks", new WebhookSigner("not-the-secret").Sign(d.Body, timestamp: RecordingTime)), HttpStatusCode.Unauthorized, "signature_mismatch"),
            ("no signature", () => receiver.PostAsync("/hooks", d.DeliveryId, d.Timestamp, null, d.Body), HttpStatusCode.Unauthorized, "missing_header"),
            ("bad signature", () => receiver.PostAsync("/hooks", d.DeliveryId, d.Timestamp, "v1,abc", d.Body), HttpStatusCode.Unauthorized, "malformed_signature"),
            ("stale", () => receiver.PostAsync("/hooks", stale), HttpStatusCode.Unauthorized, "stale_timestamp"),
            ("bad timestamp", () => receiver.PostAsync("/hooks", d.DeliveryId, "soon", d.Signature, d.Body), HttpStatusCode.Unauthorized, "malformed_header"),
            ("not json", () => receiver.PostAsync("/hooks", notJson), HttpStatusCode.BadRequest, "malformed_json"),
            ("unknown event", () => receiver.PostAsync("/hooks", unknownEvent), HttpStatusCode.BadRequest, "unknown_event"),
        };

        foreach (var (name, send, status, code) in cases)
        {
            using var response = await send();
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{name}: {response.StatusCode} {text}");
            Assert.Equal(code, await ErrorCodeAsync(response));
            foreach (var secret in new[] { RecordedDelivery.Secret, expectedSignature, expectedSignature[3..], d.Signature!, d.Signature![3..], d.DeliveryId })
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }

        using (var repeated = new HttpRequestMessage(HttpMethod.Post, "/hooks") { Content = new ByteArrayContent(d.Body) })
        {
            repeated.Headers.TryAddWithoutValidation(WebhookHeaders.DeliveryId, [d.DeliveryId, "second"]);
            repeated.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, d.Timestamp);
            repeated.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, d.Signature);
            using var response = await receiver.Client.SendAsync(repeated);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("malformed_header", await ErrorCodeAsync(response));
        }

        using (var get = await receiver.Client.GetAsync("/hooks"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        }

        Assert.Equal(0, handled);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_without_reading_it_all()
    {
        var handled = 0;
        var options = new MlflowWebhookEndpointOptions
        {
            Verifier = new WebhookVerifier(new WebhookVerifierOptions
            {
                Secrets = [RecordedDelivery.Secret],
                MaxBodyBytes = 4096,
                TimeProvider = new FakeTimeProvider(RecordingTime),
            }),
        };
        await using var receiver = await Receiver.StartAsync(_ => { }, app => app.MapMlflowWebhooks("/limited", options, (_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        }));
        var signer = new WebhookSigner(RecordedDelivery.Secret, new FakeTimeProvider(RecordingTime));

        var big = signer.Sign(new byte[5000]);
        var headers = $"{WebhookHeaders.DeliveryId}: {big.DeliveryId}\r\n{WebhookHeaders.Timestamp}: {big.Timestamp}\r\n{WebhookHeaders.Signature}: {big.Signature}\r\n";

        // Declared too large: refused from Content-Length alone, before any body byte is sent.
        var declared = await RawHttp.SendAsync(receiver.Client.BaseAddress!,
            $"POST /limited HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n{headers}\r\n", []);
        Assert.StartsWith("HTTP/1.1 413 ", declared, StringComparison.Ordinal);
        Assert.Contains("\"body_too_large\"", declared, StringComparison.Ordinal);

        // Chunked, no length, and never finished: refused once the limit is passed. Had the server waited for the
        // whole body, no answer would ever come (the body never ends).
        var chunk = Encoding.ASCII.GetBytes("1000\r\n" + new string(' ', 4096) + "\r\n");
        var chunked = await RawHttp.SendAsync(receiver.Client.BaseAddress!,
            $"POST /limited HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n{headers}\r\n", [chunk, chunk]);
        Assert.StartsWith("HTTP/1.1 413 ", chunked, StringComparison.Ordinal);
        Assert.DoesNotContain(big.Signature, chunked, StringComparison.Ordinal);

        // At the limit it is accepted.
        using var data = JsonDocument.Parse($"{{\"name\": \"{new string('n', 3800)}\", \"alias\": \"a\"}}");
        var atLimit = signer.CreateDelivery("model_version_alias", "deleted", data.RootElement);
        Assert.True(atLimit.Body.Length <= 4096);
        using (var response = await receiver.PostAsync("/limited", atLimit))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, handled);
    }

    [Fact]
    public async Task A_failing_handler_gets_the_retry_and_a_handled_delivery_is_not_handled_again()
    {
        var attempts = new ConcurrentDictionary<string, int>();
        await using var receiver = await Receiver.StartAsync(
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestDeliveries.Now));
                builder.Services.AddMlflowWebhooks(o => o.Secrets.Add(RecordedDelivery.Secret));
                builder.Services.AddMlflowWebhookDeduplication();
            },
            app =>
            {
                app.MapMlflowWebhooks("/throws-once", (delivery, _) =>
                    attempts.AddOrUpdate(delivery.DeliveryId, 1, (_, n) => n + 1) == 1
                        ? throw new InvalidOperationException("downstream unavailable")
                        : Task.CompletedTask);
                app.MapMlflowWebhooks("/busy-once", (delivery, http) =>
                {
                    if (attempts.AddOrUpdate(delivery.DeliveryId, 1, (_, n) => n + 1) == 1)
                    {
                        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    }

                    return Task.CompletedTask;
                });
            });

        foreach (var (path, firstStatus) in new[] { ("/throws-once", HttpStatusCode.InternalServerError), ("/busy-once", HttpStatusCode.ServiceUnavailable) })
        {
            var delivery = TestDeliveries.Signed("retry" + path);
            using (var first = await receiver.PostAsync(path, delivery))
            {
                Assert.Equal(firstStatus, first.StatusCode);
            }

            using (var retry = await receiver.PostAsync(path, delivery))
            {
                Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
            }

            using (var duplicate = await receiver.PostAsync(path, delivery))
            {
                Assert.Equal(HttpStatusCode.OK, duplicate.StatusCode);
            }

            Assert.Equal(2, attempts[delivery.DeliveryId]);
        }
    }

    [Fact]
    public async Task Without_a_deduplicator_every_verified_delivery_reaches_the_handler()
    {
        var calls = 0;
        var options = new MlflowWebhookEndpointOptions { Verifier = new WebhookVerifier(RecordedDelivery.Secret, new FakeTimeProvider(TestDeliveries.Now)) };
        await using var receiver = await Receiver.StartAsync(_ => { }, app => app.MapMlflowWebhooks("/plain", options, (_, _) =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        }));

        var delivery = TestDeliveries.Signed("same-id");
        for (var i = 0; i < 3; i++)
        {
            using var response = await receiver.PostAsync("/plain", delivery);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, calls);
    }

    [Fact]
    public void Mapping_without_a_verifier_fails_at_startup()
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapMlflowWebhooks("/x", (_, _) => Task.CompletedTask));
        Assert.Contains("AddMlflowWebhooks", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString();
    }
}
