using System.Text.Json.Nodes;
using Mlflow.Client.Models;
using Mlflow.Tracing.Tests.Infrastructure;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Mlflow.Tracing.Tests;

/// <summary>Reading and judging traces through <see cref="MlflowClient"/>'s hand-written trace members.</summary>
public sealed class ClientTraceApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private async Task<(string ExperimentId, List<string> TraceIds)> MakeTracesAsync(int count)
    {
        var name = ServerFixture.NewName("client");
        var ids = new List<string>();
        using (var provider = fixture.Provider(name))
        {
            for (var i = 0; i < count; i++)
            {
                using var span = MlflowTracing.StartSpan($"request_{i}", SpanType.Chain, inputs: new { i });
                ids.Add(span.TraceId!);
                using (MlflowTracing.StartSpanCore("step", SpanType.Tool))
                {
                }
            }
            provider.ForceFlush();
        }
        return (await fixture.ExperimentIdAsync(name), ids);
    }

    [Fact]
    public async Task Feedback_and_expectations_are_logged_and_read_back_with_the_trace()
    {
        var (_, ids) = await MakeTracesAsync(1);
        var trace = await fixture.Client.GetTraceAsync(ids[0]);
        var child = trace.Spans.Single(s => s.Name == "step");

        var feedback = await fixture.Client.LogFeedbackAsync(ids[0], "correct", value: true, rationale: "matches the docs",
            source: new AssessmentSource { SourceType = AssessmentSourceSourceType.Human, SourceId = "reviewer@example.com" },
            metadata: new Dictionary<string, string> { ["round"] = "1" });
        Assert.StartsWith("a-", feedback.AssessmentId);
        var judged = await fixture.Client.LogFeedbackAsync(ids[0], "relevance", value: 0.75, spanId: child.SpanId,
            source: new AssessmentSource { SourceType = AssessmentSourceSourceType.LlmJudge, SourceId = "judge" });
        var failed = await fixture.Client.LogFeedbackAsync(ids[0], "toxicity", error: new AssessmentError { ErrorCode = "TIMEOUT", ErrorMessage = "judge timed out" });
        var expectation = await fixture.Client.LogExpectationAsync(ids[0], "expected_answer", JsonNode.Parse("""{"answer": "An ML platform", "facts": ["open source"]}"""));
        var expectedText = await fixture.Client.LogExpectationAsync(ids[0], "expected_label", "positive");

        var read = await fixture.Client.GetTraceAsync(ids[0]);
        Assert.Equal(5, read.Assessments.Count);
        var byName = read.Assessments.ToDictionary(a => a.AssessmentName!);
        Assert.Equal(true, (bool?)((Microsoft.Kiota.Abstractions.Serialization.UntypedBoolean?)byName["correct"].Feedback!.Value)?.GetValue());
        Assert.Equal("matches the docs", byName["correct"].Rationale);
        Assert.Equal("1", byName["correct"].Metadata!["round"]);
        Assert.Equal(AssessmentSourceSourceType.Human, byName["correct"].Source!.SourceType);
        Assert.Equal(child.SpanId, byName["relevance"].SpanId);
        Assert.Equal(AssessmentSourceSourceType.LlmJudge, byName["relevance"].Source!.SourceType);
        Assert.Equal("TIMEOUT", byName["toxicity"].Feedback!.Error!.ErrorCode);
        Assert.Equal(AssessmentSourceSourceType.Code, byName["toxicity"].Source!.SourceType);
        Assert.Equal("JSON_FORMAT", byName["expected_answer"].Expectation!.SerializedValue!.SerializationFormat);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"answer": "An ML platform", "facts": ["open source"]}"""), JsonNode.Parse(byName["expected_answer"].Expectation!.SerializedValue!.Value!)));
        Assert.Equal("positive", ((Microsoft.Kiota.Abstractions.Serialization.UntypedString)byName["expected_label"].Expectation!.Value!).GetValue());
        Assert.True(judged.CreateTime > DateTimeOffset.UnixEpoch);
        Assert.NotNull(failed.AssessmentId);
        Assert.NotNull(expectation.AssessmentId);
        Assert.NotNull(expectedText.AssessmentId);
    }

    [Fact]
    public async Task Tags_search_paging_links_and_deletion_work_as_in_MLflow()
    {
        var (experiment, ids) = await MakeTracesAsync(3);
        await fixture.Client.SetTraceTagAsync(ids[1], "reviewed", "yes");
        var tagged = await fixture.Client.SearchTracesAsync([experiment], "tags.reviewed = 'yes'").ToListAsync();
        Assert.Equal(ids[1], Assert.Single(tagged).TraceId);
        await fixture.Client.DeleteTraceTagAsync(ids[1], "reviewed");
        Assert.Empty(await fixture.Client.SearchTracesAsync([experiment], "tags.reviewed = 'yes'").ToListAsync());
        await Assert.ThrowsAsync<MlflowNotFoundException>(() => fixture.Client.DeleteTraceTagAsync(ids[1], "reviewed"));

        var page = await fixture.Client.SearchTracesAsync([experiment], orderBy: ["timestamp_ms ASC"]).AsPages(pageSizeHint: 2).FirstAsync();
        Assert.Equal(2, page.Items.Count);
        Assert.NotNull(page.NextPageToken);
        Assert.Equal(ids[0], page.Items[0].TraceId);
        Assert.Equal(2, page.Items[0].Spans.Count);
        var all = await fixture.Client.SearchTracesAsync([experiment], maxResults: null).AsPages(pageSizeHint: 1).SelectMany(p => p.Items.ToAsyncEnumerable()).ToListAsync();
        Assert.Equal(ids.AsEnumerable().Reverse(), all.Select(t => t.TraceId));
        var capped = await fixture.Client.SearchTracesAsync([experiment], maxResults: 2).ToListAsync();
        Assert.Equal(ids.AsEnumerable().Reverse().Take(2), capped.Select(t => t.TraceId));
        var bySpan = await fixture.Client.SearchTracesAsync([experiment], "span.name = 'request_2'").ToListAsync();
        Assert.Equal(ids[2], Assert.Single(bySpan).TraceId);
        await Assert.ThrowsAsync<MlflowBadRequestException>(() => fixture.Client.SearchTracesAsync([experiment], "trace.status === 'OK'").ToListAsync().AsTask());

        var run = await fixture.Client.Api.Api.V20.Mlflow.Runs.Create.PostAsync(new CreateRun { ExperimentId = experiment });
        var runId = run!.Run!.Info!.RunId!;
        await fixture.Client.LinkTracesToRunAsync([ids[0], ids[2]], runId);
        var linked = await fixture.Client.SearchTracesAsync([experiment], runId: runId, includeSpans: false).ToListAsync();
        Assert.Equal(new[] { ids[0], ids[2] }.Order(StringComparer.Ordinal), linked.Select(t => t.TraceId).Order(StringComparer.Ordinal));

        Assert.Equal(1, await fixture.Client.DeleteTracesAsync(experiment, traceIds: [ids[0]]));
        await Assert.ThrowsAsync<MlflowNotFoundException>(() => fixture.Client.GetTraceAsync(ids[0]));
        Assert.Equal(2, await fixture.Client.DeleteTracesAsync(experiment, maxTimestampMillis: DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(), maxTraces: 10));
        Assert.Empty(await fixture.Client.SearchTracesAsync([experiment]).ToListAsync());
    }

    [Fact]
    public async Task Bad_arguments_fail_before_anything_is_sent()
    {
        var client = fixture.Client;
        await Assert.ThrowsAsync<ArgumentException>(() => client.SearchTracesAsync([]).ToListAsync().AsTask());
        Assert.Throws<ArgumentOutOfRangeException>(() => client.SearchTracesAsync(["0"], maxResults: 0));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteTracesAsync("0"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteTracesAsync("0", maxTimestampMillis: 1, traceIds: ["tr-1"]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.DeleteTracesAsync("0", maxTraces: 1, traceIds: ["tr-1"]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.LinkTracesToRunAsync(Enumerable.Range(0, 101).Select(i => $"tr-{i}"), "run"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.LinkTracesToRunAsync([], "run"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.LogFeedbackAsync("tr-1", "f"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.LogFeedbackAsync("tr-1", "f", value: 1, spanId: "not-a-span"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SetTraceTagAsync("tr-1", new string('k', 251), "v"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.GetTraceAsync(" "));
        // And the server's own limit, for callers that go through the raw operation.
        var tooMany = await Assert.ThrowsAsync<MlflowBadRequestException>(() => client.Api.Api.V20.Mlflow.Traces.LinkToRun.PostAsync(new LinkTracesToRun { RunId = "run", TraceIds = Enumerable.Range(0, 101).Select(i => $"tr-{i}").ToList() }));
        Assert.Contains("Cannot link more than 100 traces", tooMany.Message);
    }

    [Fact]
    public async Task Search_by_logged_model_finds_the_traces_linked_to_it_as_Python_does()
    {
        var name = ServerFixture.NewName("by-model");
        string linkedId;
        using (var provider = fixture.Provider(name))
        {
            using (var linked = MlflowTracing.StartSpan("linked", SpanType.Chain))
            {
                linkedId = linked.TraceId!;
                MlflowTracing.LinkCurrentTrace(modelId: "m-0123456789abcdef");
            }
            using (MlflowTracing.StartSpan("other", SpanType.Chain))
            {
            }
            provider.ForceFlush();
        }
        var experiment = await fixture.ExperimentIdAsync(name);
        Assert.Equal(2, (await fixture.Client.SearchTracesAsync([experiment]).ToListAsync()).Count);
        var found = await fixture.Client.SearchTracesAsync([experiment], modelId: "m-0123456789abcdef").ToListAsync();
        Assert.Equal(linkedId, Assert.Single(found).TraceId);
        // Python refuses a model id together with a filter; so does the client, before anything is sent.
        var error = Assert.Throws<ArgumentException>(() => fixture.Client.SearchTracesAsync([experiment], "trace.status = 'OK'", modelId: "m-1"));
        Assert.Equal("modelId", error.ParamName);
    }
}
