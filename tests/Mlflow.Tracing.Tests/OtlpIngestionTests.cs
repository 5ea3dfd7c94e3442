using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mlflow.Testing;
using Mlflow.Tracing.Tests.Infrastructure;
using Mlflow.TestSupport;

namespace Mlflow.Tracing.Tests;

/// <summary>The embedded server's <c>POST /v1/traces</c>, fed with the recorded MLflow requests and variations of them.</summary>
public sealed class OtlpIngestionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static WireExchange Recorded(string name) => WireCorpus.Exchanges.Single(e => e.Area == "traces" && e.Name == name);

    private async Task<HttpResponseMessage> PostAsync(byte[] body, string contentType, string? experimentId, string? encoding = null)
    {
        using var http = new HttpClient { BaseAddress = fixture.Uri };
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null) content.Headers.ContentEncoding.Add(encoding);
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = content };
        if (experimentId is not null) request.Headers.Add("x-mlflow-experiment-id", experimentId);
        return await http.SendAsync(request);
    }

    private async Task<string> NewExperimentAsync() =>
        (await fixture.Client.Api.Api.V20.Mlflow.Experiments.Create.PostAsync(new() { Name = ServerFixture.NewName("otlp") }))!.ExperimentId!;

    [Fact]
    public async Task Recorded_OTLP_JSON_is_stored_and_served_as_MLflow_serves_it()
    {
        var experiment = await NewExperimentAsync();
        var answer = await PostAsync(WireExchange.RawBytes(Recorded("otlp-export-json").Request), "application/json", experiment);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/x-protobuf", answer.Content.Headers.ContentType!.MediaType);
        Assert.Empty(await answer.Content.ReadAsByteArrayAsync());

        // The recorded get-trace answer of the same spans (MLflow 3.11): same span fields, same decoded attributes.
        var recorded = Recorded("get-trace-with-spans").Response["body"]!["trace"]!["spans"]!.AsArray();
        using var http = new HttpClient { BaseAddress = fixture.Uri };
        var live = JsonNode.Parse(await http.GetStringAsync("/api/3.0/mlflow/traces/get?trace_id=tr-4e4b4e7790e74b5a9b8e29e17cb1e667"))!["trace"]!;
        var spans = live["spans"]!.AsArray();
        Assert.Equal(recorded.Count, spans.Count);
        for (var i = 0; i < spans.Count; i++)
        {
            foreach (var field in new[] { "trace_id", "span_id", "parent_span_id", "name", "start_time_unix_nano", "end_time_unix_nano", "attributes", "events", "status" })
            {
                Assert.True(JsonNode.DeepEquals(recorded[i]![field], spans[i]![field]), $"span {i} {field}: {recorded[i]![field]?.ToJsonString()} vs {spans[i]![field]?.ToJsonString()}");
            }
        }
        var info = live["trace_info"]!;
        Assert.Equal("OK", (string?)info["state"]);
        Assert.Equal("0.250s", (string?)info["execution_duration"]);
        Assert.Equal("2026-11-22T22:36:31.973Z", (string?)info["request_time"]);
        Assert.Equal("{\"question\": \"What is MLflow?\"}", (string?)info["request_preview"]);
        Assert.Equal("\"An open source ML platform\"", (string?)info["response_preview"]);
        Assert.Equal("TRACKING_STORE", (string?)info["tags"]!["mlflow.trace.spansLocation"]);

        // The UI's span download keeps MLflow's JSON-text attribute encoding.
        var artifact = JsonNode.Parse(await http.GetStringAsync("/ajax-api/2.0/mlflow/get-trace-artifact?request_id=tr-4e4b4e7790e74b5a9b8e29e17cb1e667"))!;
        var expected = JsonNode.Parse(Recorded("get-trace-artifact-ajax-v2").Response["raw_body"]!.GetValue<string>())!;
        Assert.True(JsonNode.DeepEquals(expected["spans"]![1]!["attributes"], artifact["spans"]![1]!["attributes"]), artifact["spans"]![1]!["attributes"]!.ToJsonString());
        var artifactV3 = JsonNode.Parse(await http.GetStringAsync("/ajax-api/3.0/mlflow/get-trace-artifact?request_id=tr-4e4b4e7790e74b5a9b8e29e17cb1e667"))!;
        Assert.True(JsonNode.DeepEquals(artifact, artifactV3));

        // The v2 delete route removes it (the v3 one is what the client uses).
        var delete = await http.PostAsync("/api/2.0/mlflow/traces/delete-traces", new StringContent(
            $$"""{"experiment_id": "{{experiment}}", "request_ids": ["tr-4e4b4e7790e74b5a9b8e29e17cb1e667"]}""", Encoding.UTF8, "application/json"));
        Assert.Equal("{\n  \"traces_deleted\": 1\n}", (await delete.Content.ReadAsStringAsync()).ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Gzip_and_deflate_protobuf_are_accepted()
    {
        var experiment = await NewExperimentAsync();
        var body = WireExchange.RawBytes(Recorded("otlp-export-protobuf").Request);
        using var gz = new MemoryStream();
        using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) zip.Write(body);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(gz.ToArray(), "application/x-protobuf", experiment, "gzip")).StatusCode);
        var trace = Assert.Single(await fixture.Client.SearchTracesAsync([experiment]).ToListAsync());
        Assert.Equal("protobuf_root", Assert.Single(trace.Spans).Name);
        Assert.Equal(SpanType.Chain, trace.Spans[0].SpanType);

        using var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.Fastest, leaveOpen: true)) zlib.Write(body);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(deflated.ToArray(), "application/x-protobuf", experiment, "deflate")).StatusCode);
        Assert.Single(await fixture.Client.SearchTracesAsync([experiment]).ToListAsync()); // the same span again: still one trace, one span
    }

    [Fact]
    public async Task Errors_have_MLflow_statuses_and_FastAPI_bodies()
    {
        var experiment = await NewExperimentAsync();
        var json = WireExchange.RawBytes(Recorded("otlp-export-json").Request);

        var missing = await PostAsync(json, "application/json", experimentId: null);
        Assert.Equal(422, (int)missing.StatusCode);
        Assert.True(JsonNode.DeepEquals(Recorded("err-otlp-missing-experiment-header").Response["body"], JsonNode.Parse(await missing.Content.ReadAsStringAsync())));

        var badType = await PostAsync("hello"u8.ToArray(), "text/plain", experiment);
        Assert.Equal(400, (int)badType.StatusCode);
        Assert.True(JsonNode.DeepEquals(Recorded("err-otlp-bad-content-type").Response["body"], JsonNode.Parse(await badType.Content.ReadAsStringAsync())));

        var empty = await PostAsync("{\"resourceSpans\": []}"u8.ToArray(), "application/json", experiment);
        Assert.Equal(400, (int)empty.StatusCode);
        Assert.True(JsonNode.DeepEquals(Recorded("err-otlp-no-spans").Response["body"], JsonNode.Parse(await empty.Content.ReadAsStringAsync())));

        Assert.Equal(400, (int)(await PostAsync([0x0A, 0xFF], "application/x-protobuf", experiment)).StatusCode);
        Assert.Equal(400, (int)(await PostAsync(json, "application/json", experiment, "br")).StatusCode);
        Assert.Equal(400, (int)(await PostAsync(json, "application/json", experiment, "gzip")).StatusCode);

        var badId = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(json).Replace("23dbfda5c1ca43e7", "23db", StringComparison.Ordinal));
        Assert.Equal(400, (int)(await PostAsync(badId, "application/json", experiment)).StatusCode);

        var unknownExperiment = await PostAsync(json, "application/json", "987654");
        Assert.Equal(422, (int)unknownExperiment.StatusCode);
        Assert.Contains("Failed to log OpenTelemetry spans", await unknownExperiment.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_store_without_span_logging_answers_501()
    {
        await using var server = new MlflowTestServer(new MlflowTestServerOptions { SupportsSpanLogging = false });
        var uri = await server.StartAsync();
        using var http = new HttpClient { BaseAddress = uri };
        var content = new ByteArrayContent(WireExchange.RawBytes(Recorded("otlp-export-json").Request));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/traces") { Content = content };
        request.Headers.Add("x-mlflow-experiment-id", "0");
        var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotImplemented, answer.StatusCode);
        Assert.Contains("REST OTLP span logging is not supported", await answer.Content.ReadAsStringAsync());
    }
}
