using OpenTelemetry.Trace;
using OpenTelemetry;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Mlflow.Client.Models;
using Mlflow.Tracing.Tests.Infrastructure;

namespace Mlflow.Tracing.Tests;

/// <summary>Spans made with <see cref="MlflowTracing"/> travel through OpenTelemetry's OTLP exporter into the embedded server.</summary>
public sealed class SpanApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Nested_spans_arrive_with_types_parents_inputs_outputs_and_trace_info()
    {
        var experiment = ServerFixture.NewName("span-api");
        string traceId;
        using (var provider = fixture.Provider(experiment))
        {
            using (var root = MlflowTracing.StartSpan("answer_question", SpanType.Chain, inputs: new { question = "What is MLflow?" }))
            {
                traceId = root.TraceId!;
                MlflowTracing.UpdateCurrentTrace(tags: new Dictionary<string, string> { ["env"] = "test" }, sessionId: "session-1", userId: "alice", clientRequestId: "req-7");
                using (var retrieve = MlflowTracing.StartSpan("retrieve", SpanType.Retriever, inputs: new { query = "mlflow" }))
                {
                    retrieve.SetOutputs(new[] { new { page_content = "MLflow is an open source platform", metadata = new { source = "docs" } } });
                }
                using (var llm = MlflowTracing.StartSpan("call_llm", SpanType.Llm, inputs: "prompt text"))
                {
                    llm.SetAttribute("mlflow.chat.tokenUsage", new { input_tokens = 12, output_tokens = 5, total_tokens = 17 });
                    llm.SetAttribute("temperature", 0.2);
                    llm.SetOutputs("An open source ML platform");
                }
                root.SetOutputs(new { answer = "An open source ML platform" });
            }
            provider.ForceFlush();
        }

        var trace = await fixture.WaitForTraceAsync(traceId, spans: 3);
        Assert.Equal(await fixture.ExperimentIdAsync(experiment), trace.ExperimentId);
        Assert.Equal(TraceInfoV3State.Ok, trace.State);
        Assert.Equal(3, trace.Spans.Count);
        var rootSpan = trace.RootSpan!;
        Assert.Equal("answer_question", rootSpan.Name);
        Assert.Equal(SpanType.Chain, rootSpan.SpanType);
        Assert.Equal("What is MLflow?", (string?)rootSpan.Inputs!["question"]);
        Assert.Equal("An open source ML platform", (string?)rootSpan.Outputs!["answer"]);
        Assert.Equal("OK", rootSpan.Status.Code);
        Assert.Equal(traceId, (string?)rootSpan.GetAttribute("mlflow.traceRequestId"));

        var children = trace.ChildrenOf(rootSpan).ToList();
        Assert.Equal(["retrieve", "call_llm"], children.Select(c => c.Name));
        var retrieveSpan = children[0];
        Assert.Equal(SpanType.Retriever, retrieveSpan.SpanType);
        Assert.Equal("mlflow", (string?)retrieveSpan.Inputs!["query"]);
        Assert.Equal("docs", (string?)retrieveSpan.Outputs![0]!["metadata"]!["source"]);
        var llmSpan = children[1];
        Assert.Equal(SpanType.Llm, llmSpan.SpanType);
        Assert.Equal("prompt text", (string?)llmSpan.Inputs);
        Assert.Equal(0.2, (double)llmSpan.GetAttribute("temperature")!);
        Assert.Equal(new TokenUsage(12, 5, 17), llmSpan.TokenUsage);

        // Trace info as Python's exporter writes it.
        Assert.Equal("answer_question", trace.Tags["mlflow.traceName"]);
        Assert.Equal("test", trace.Tags["env"]);
        Assert.Equal("TRACKING_STORE", trace.Tags["mlflow.trace.spansLocation"]);
        Assert.Equal("3", trace.Metadata["mlflow.trace_schema.version"]);
        Assert.Equal("session-1", trace.Metadata["mlflow.trace.session"]);
        Assert.Equal("alice", trace.Metadata["mlflow.trace.user"]);
        Assert.Equal(new TokenUsage(12, 5, 17), trace.TokenUsage);
        Assert.Equal("req-7", trace.Info.ClientRequestId);
        Assert.Equal("{\"question\":\"What is MLflow?\"}", trace.Info.RequestPreview);
        Assert.Equal("{\"answer\":\"An open source ML platform\"}", trace.Info.ResponsePreview);
        Assert.NotNull(trace.Info.ExecutionDuration);

        // And the search finds it by tag and by status.
        var found = await fixture.Client.SearchTracesAsync([trace.ExperimentId!], filterString: "tags.env = 'test' AND trace.status = 'OK'").ToListAsync();
        Assert.Equal(traceId, Assert.Single(found).TraceId);
        Assert.Equal(3, found[0].Spans.Count);
    }

    [Fact]
    public async Task An_exception_is_recorded_as_MLflow_records_it()
    {
        var experiment = ServerFixture.NewName("span-error");
        using (var provider = fixture.Provider(experiment))
        {
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                MlflowTracing.TraceAsync<int>("flaky_tool", SpanType.Tool, new { x = 1 }, _ => throw new InvalidOperationException("boom")));
            Assert.Equal("boom", failure.Message);
            provider.ForceFlush();
        }
        var trace = (await fixture.Client.SearchTracesAsync([await fixture.ExperimentIdAsync(experiment)]).ToListAsync()).Single();
        Assert.Equal(TraceInfoV3State.Error, trace.State);
        var span = Assert.Single(trace.Spans);
        Assert.Equal("ERROR", span.Status.Code);
        Assert.Equal("InvalidOperationException: boom", span.Status.Description);
        var exception = Assert.Single(span.Events);
        Assert.Equal("exception", exception.Name);
        Assert.Equal("InvalidOperationException", (string?)exception.Attributes["exception.type"]);
        Assert.Equal("boom", (string?)exception.Attributes["exception.message"]);
        Assert.Contains("boom", (string?)exception.Attributes["exception.stacktrace"]);
    }

    [Fact]
    public void Without_a_listener_spans_are_no_ops()
    {
        using var span = MlflowTracing.StartSpan("nobody-listens", SpanType.Chain, inputs: new { a = 1 });
        Assert.False(span.IsRecording);
        span.SetOutputs(new { b = 2 }).SetAttribute("k", "v").RecordException(new InvalidOperationException());
        MlflowTracing.UpdateCurrentTrace(tags: new Dictionary<string, string> { ["x"] = "y" });
    }

    [Fact]
    public async Task Traces_link_to_runs_and_models_through_metadata()
    {
        var experiment = ServerFixture.NewName("span-links");
        string traceId;
        using (var provider = fixture.Provider(experiment))
        {
            using (var root = MlflowTracing.StartSpan("predict", SpanType.Chain))
            {
                traceId = root.TraceId!;
                MlflowTracing.LinkCurrentTrace(runId: "0123456789abcdef0123456789abcdef", modelId: "m-42");
            }
            provider.ForceFlush();
        }
        var trace = await fixture.WaitForTraceAsync(traceId, spans: 1);
        Assert.Equal("0123456789abcdef0123456789abcdef", trace.Metadata["mlflow.sourceRun"]);
        Assert.Equal("m-42", trace.Metadata["mlflow.modelId"]);
        var byRun = await fixture.Client.SearchTracesAsync([trace.ExperimentId!], runId: "0123456789abcdef0123456789abcdef", includeSpans: false).ToListAsync();
        Assert.Equal(traceId, Assert.Single(byRun).TraceId);
        Assert.Empty(byRun[0].Spans);
    }

    [Fact]
    public async Task Json_inputs_and_outputs_are_kept_as_they_are()
    {
        var experiment = ServerFixture.NewName("span-json");
        string traceId;
        using (var provider = fixture.Provider(experiment))
        {
            using (var span = MlflowTracing.StartSpanCore("json", SpanType.Parser))
            {
                traceId = span.TraceId!;
                span.SetInputs(JsonNode.Parse("""{"text": "a,b", "nested": {"list": [1, 2.5, true, null]}}"""));
                span.SetOutputs(new JsonArray("a", "b"));
            }
            provider.ForceFlush();
        }
        var trace = await fixture.WaitForTraceAsync(traceId, spans: 1);
        var span2 = Assert.Single(trace.Spans);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"text": "a,b", "nested": {"list": [1, 2.5, true, null]}}"""), span2.Inputs));
        Assert.True(JsonNode.DeepEquals(new JsonArray("a", "b"), span2.Outputs));
        Assert.Null(Activity.Current);
    }
}
