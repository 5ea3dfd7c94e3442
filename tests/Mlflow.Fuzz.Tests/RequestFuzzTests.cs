using System.Net;
using System.Text;
using System.Text.Json;
using CsCheck;
using Mlflow.Client.Models;
using Xunit.Abstractions;

namespace Mlflow.Fuzz.Tests;

/// <summary>
/// Request building with random values (any Unicode, reserved URL characters, percent signs, empty strings, lone
/// surrogates): query and path values come back unchanged from the URL the client sends and body strings from the
/// JSON it writes; a value that cannot be sent (a lone surrogate in a JSON body) fails before anything is sent.
/// Through a real <see cref="MlflowClient"/> over an in-process handler. Fixed seeds, one thread.
/// </summary>
public sealed class RequestFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 3_000;

    private static readonly Gen<string> Values = Gen.Frequency(
        (4, Gen.String[0, 30]),
        (2, Gen.Char["a-zA-Z0-9 /?#&=+%.:;,@!$'()*[]{}\\\"<>|^`~_-"].Array[0, 20].Select(c => new string(c))),
        (2, Gen.OneOf("a/b", "..", ".", "%41", "%2F", "a b", "a+b", "ü", "🙂", "?x=1&y=2", "#frag", " ", "\t", "'; DROP TABLE runs; --", "metrics.`a b` > 0", "\u0000", "\ud800", "\udfff\ud800", "x\r\ny", new string('k', 500))));

    [Fact]
    public void Query_values_round_trip_through_the_url()
    {
        var sent = 0;
        var refused = 0;
        Gen.Select(Values, Values).Sample((runId, key) =>
        {
            using var capture = new Capture();
            try
            {
                capture.Client.Api.Api.V20.Mlflow.Metrics.GetHistory.GetAsync(r => { r.QueryParameters.RunId = runId; r.QueryParameters.MetricKey = key; }).GetAwaiter().GetResult();
            }
            catch (ArgumentException) when (HasLoneSurrogate(runId) || HasLoneSurrogate(key))
            {
                Assert.Null(capture.Request);
                refused++;
                return;
            }

            var query = capture.Query();
            Assert.Equal(runId, query.GetValueOrDefault("run_id"));
            Assert.Equal(key, query.GetValueOrDefault("metric_key"));
            sent++;
        }, seed: "0000000000011", iter: Cases, threads: 1);
        output.WriteLine($"{sent} query cases sent, {refused} refused before sending (lone surrogates)");
    }

    [Fact]
    public void Path_values_round_trip_through_the_url()
    {
        var sent = 0;
        Values.Where(v => v.Length > 0).Sample(id =>
        {
            using var capture = new Capture();
            try
            {
                capture.Client.Api.Api.V20.Mlflow.Webhooks[id].GetAsync().GetAwaiter().GetResult();
            }
            catch (ArgumentException) when (HasLoneSurrogate(id) || id is "." or "..")
            {
                Assert.Null(capture.Request);
                return;
            }

            var path = capture.Request!.RequestUri!.AbsolutePath;
            var segment = path[(path.LastIndexOf('/') + 1)..];
            Assert.Equal(id, Uri.UnescapeDataString(segment));
            sent++;
        }, seed: "0000000000012", iter: Cases, threads: 1);
        output.WriteLine($"{sent} path cases");
    }

    [Fact]
    public void Body_strings_round_trip_through_the_json_or_fail_before_sending()
    {
        int sent = 0, refused = 0, escaped = 0;
        Gen.Select(Values, Values).Sample((key, value) =>
        {
            using var capture = new Capture();
            var unpaired = HasLoneSurrogate(key) || HasLoneSurrogate(value);
            try
            {
                capture.Client.Api.Api.V20.Mlflow.Runs.LogParameter.PostAsync(new LogParam { RunId = "r", Key = key, Value = value }).GetAwaiter().GetResult();
            }
            catch (ArgumentException) when (unpaired)
            {
                Assert.Null(capture.Request);
                refused++;
                return;
            }

            using var body = JsonDocument.Parse(capture.Body!);
            if (unpaired)
            {
                // Sent as a \uXXXX escape (valid JSON; MLflow's Python reads it back as the same code unit).
                Assert.Contains("\\u", Encoding.UTF8.GetString(capture.Body!), StringComparison.OrdinalIgnoreCase);
                escaped++;
                return;
            }

            Assert.Equal(key, body.RootElement.GetProperty("key").GetString());
            Assert.Equal(value, body.RootElement.GetProperty("value").GetString());
            sent++;
        }, seed: "0000000000013", iter: Cases, threads: 1);
        output.WriteLine($"{sent} bodies sent, {escaped} with lone surrogates sent escaped, {refused} refused before sending");
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return true;
        }

        return false;
    }

    private sealed class Capture : HttpMessageHandler
    {
        public Capture()
        {
            Client = new MlflowClient(
                new MlflowClientOptions { TrackingUri = "http://mlflow.test/prefix", MaxRetries = 0, EnvironmentSource = MlflowEnvironment.FromDictionary(new Dictionary<string, string?>()) },
                loggerFactory: null,
                innerHandler: this);
        }

        public MlflowClient Client { get; }

        public HttpRequestMessage? Request { get; private set; }

        public byte[]? Body { get; private set; }

        public Dictionary<string, string> Query()
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var query = Request!.RequestUri!.GetComponents(UriComponents.Query, UriFormat.UriEscaped);
            foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var name = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                result[name] = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }

            return result;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Request = request;
            Body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) Client.Dispose();
            base.Dispose(disposing);
        }
    }
}
