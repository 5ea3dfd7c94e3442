using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;
using Mlflow.Webhooks.AspNetCore;
using Xunit.Abstractions;

namespace Mlflow.Webhooks.Tests;

/// <summary>Hostile requests over real HTTP: the endpoint answers exactly what the verifier decides, never a 5xx.</summary>
public sealed class HttpFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 600;

    [Fact]
    public async Task The_endpoint_answers_every_hostile_request_as_the_verifier_decides()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1795386986);
        var verifier = new WebhookVerifier(new WebhookVerifierOptions
        {
            Secrets = [RecordedDelivery.Secret],
            TimeProvider = new FakeTimeProvider(now),
            MaxBodyBytes = 2048,
        });
        var handled = 0;
        await using var receiver = await Receiver.StartAsync(_ => { }, app => app.MapMlflowWebhooks("/fuzz", new MlflowWebhookEndpointOptions { Verifier = verifier }, (_, _) =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        }));

        var rng = new Random(7);
        var signer = new WebhookSigner(RecordedDelivery.Secret, new FakeTimeProvider(now));
        var recorded = RecordedDelivery.Signed.ToArray();
        var expectedHandled = 0;
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < Cases; i++)
        {
            var d = recorded[rng.Next(recorded.Length)];
            string? id = d.DeliveryId, ts = d.Timestamp, sig = d.Signature;
            var body = d.Body;
            switch (rng.Next(6))
            {
                case 0: id = Header(rng, id); break;
                case 1: ts = Header(rng, ts); break;
                case 2: sig = Header(rng, sig); break;
                case 3: body = Mutate(rng, body); break;
                case 4:
                    body = Mutate(rng, body);
                    var signed = signer.Sign(body, deliveryId: "fuzz-" + i);
                    (id, ts, sig) = (signed.DeliveryId, signed.Timestamp, signed.Signature);
                    break;
                default:
                    body = new byte[rng.Next(4096)];
                    rng.NextBytes(body);
                    break;
            }

            var expected = verifier.Verify(id, ts, sig, body);
            using var response = await receiver.PostAsync("/fuzz", id, ts, sig, body);
            Assert.True(expected.Reason.ToHttpStatusCode() == (int)response.StatusCode, $"case {i}: expected {expected}, got {(int)response.StatusCode}");
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            if (expected.IsVerified)
            {
                expectedHandled++;
            }
        }

        Assert.Equal(expectedHandled, handled);
        output.WriteLine($"http fuzz: {Cases} requests; " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}: {s.Value}")));
    }

    /// <summary>A header value an HTTP client can send (visible ASCII and inner spaces) or null (absent).</summary>
    private static string? Header(Random rng, string? value)
    {
        if (rng.Next(8) == 0)
        {
            return null;
        }

        var builder = new StringBuilder(value ?? string.Empty);
        for (var n = rng.Next(1, 4); n > 0; n--)
        {
            var position = builder.Length == 0 ? 0 : rng.Next(builder.Length);
            var c = (char)rng.Next(0x20, 0x7F);
            switch (rng.Next(3))
            {
                case 0 when builder.Length > 0: builder[position] = c; break;
                case 1: builder.Insert(position, c); break;
                default: builder.Length = position; break;
            }
        }

        return builder.ToString().Trim(' ');
    }

    private static byte[] Mutate(Random rng, byte[] value)
    {
        var bytes = value.ToList();
        for (var n = rng.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var position = rng.Next(bytes.Count);
            switch (rng.Next(4))
            {
                case 0: bytes[position] = (byte)rng.Next(256); break;
                case 1: bytes.RemoveAt(position); break;
                case 2: bytes.InsertRange(position, Encoding.UTF8.GetBytes(new string('{', rng.Next(1, 80)))); break;
                default: bytes.InsertRange(position, new byte[rng.Next(3000)]); break;
            }
        }

        return [.. bytes];
    }
}
