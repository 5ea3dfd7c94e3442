using Mlflow.Contract.Tests.Infrastructure;

namespace Mlflow.Contract.Tests;

/// <summary>The traces and assessments part of the corpus replay: set-up the corpus left out, and listed differences.</summary>
public sealed partial class CorpusReplayTests
{
    /// <summary>Exchange name to why the embedded server answers differently.</summary>
    private static readonly Dictionary<string, string> TraceKnownDifferences = new(StringComparer.Ordinal)
    {
    };

    /// <summary>Trace operations the corpus does not record (their twins are); Mlflow.Tracing.Tests' OtlpIngestionTests call them.</summary>
    private static readonly string[] TraceNotInCorpus = ["deleteTraces", "getTraceArtifactV3"];

    /// <summary>
    /// The traces the recording made between its numbered exchanges (two more OTLP uploads and an expectation): made
    /// here with the same ids, times and inputs, so that the searches and batch reads answer the same traces.
    /// </summary>
    private static async Task FillTraceGapAsync(RawMlflow http, string beforeId, Dictionary<string, string> ids)
    {
        switch (beforeId)
        {
            case "0342":
                await http.SendAsync(HttpMethod.Post, "/v1/traces", Otlp("82e9fbaeb3034eb3bc5192a399514a0c", "9409ade4745f4d72", "66122108 38b748d2".Replace(" ", ""), 1795386991978000000, "What is a run?"), "application/json", new Dictionary<string, string> { ["x-mlflow-experiment-id"] = "1" });
                break;
            case "0384":
                var expectation = await http.PostAsync("/api/3.0/mlflow/traces/tr-4e4b4e7790e74b5a9b8e29e17cb1e667/assessments", new
                {
                    assessment = new
                    {
                        assessment_name = "expected_answer",
                        trace_id = "tr-4e4b4e7790e74b5a9b8e29e17cb1e667",
                        source = new { source_type = "HUMAN", source_id = "labeler" },
                        expectation = new { value = new { answer = "An ML platform", facts = new[] { "open source" } } },
                    },
                });
                ids["a-f816461a607749bd99950cadf418a982"] = (string)expectation.Json!["assessment"]!["assessment_id"]!;
                break;
        }
    }

    /// <summary>An OTLP/JSON upload of a two-span trace shaped like the recorded one (0335).</summary>
    private static string Otlp(string traceId, string rootId, string childId, long start, string question) => $$$"""
        {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "wire-recorder"}}]}, "scopeSpans": [{"scope": {"name": "wire-recorder", "version": "1"}, "spans": [
          {"traceId": "{{{traceId}}}", "spanId": "{{{rootId}}}", "name": "answer_question", "kind": "SPAN_KIND_INTERNAL", "startTimeUnixNano": "{{{start}}}", "endTimeUnixNano": "{{{start + 250_000_000}}}",
           "attributes": [{"key": "mlflow.spanType", "value": {"stringValue": "\"CHAIN\""}}, {"key": "mlflow.spanInputs", "value": {"stringValue": "{\"question\": \"{{{question}}}\"}"}}, {"key": "mlflow.spanOutputs", "value": {"stringValue": "\"An open source ML platform\""}}],
           "status": {"code": "STATUS_CODE_OK"}},
          {"traceId": "{{{traceId}}}", "spanId": "{{{childId}}}", "parentSpanId": "{{{rootId}}}", "name": "call_llm", "kind": "SPAN_KIND_CLIENT", "startTimeUnixNano": "{{{start + 10_000_000}}}", "endTimeUnixNano": "{{{start + 200_000_000}}}",
           "attributes": [{"key": "mlflow.spanType", "value": {"stringValue": "\"LLM\""}}, {"key": "llm.model", "value": {"stringValue": "stub-model"}}, {"key": "tokens", "value": {"intValue": "42"}}],
           "events": [{"name": "token_stream_started", "timeUnixNano": "{{{start + 20_000_000}}}"}], "status": {"code": "STATUS_CODE_OK"}}]}]}]}
        """;
}
