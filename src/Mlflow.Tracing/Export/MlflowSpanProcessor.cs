using System.Diagnostics;
using System.Text.Json.Nodes;
using OpenTelemetry;

namespace Mlflow.Tracing;

/// <summary>
/// Runs before the exporting processor: tags every recorded span with its MLflow trace id
/// (<c>mlflow.traceRequestId</c>, as MLflow's spans carry it), maps GenAI convention spans to MLflow's attributes
/// (<see cref="GenAiSpanMapper"/>), gives spans that ended without a status the status OK (as MLflow's spans end), and
/// records each span's token usage for the trace-level sum.
/// </summary>
internal sealed class MlflowSpanProcessor(bool mapGenAiSpans) : BaseProcessor<Activity>
{
    public override void OnStart(Activity data)
    {
        if (!data.IsAllDataRequested) return;
        if (data.GetTagItem(MlflowSpanAttributes.TraceRequestId) is null)
        {
            data.SetTag(MlflowSpanAttributes.TraceRequestId, SpanValues.Quote(MlflowTracing.ToMlflowTraceId(data.TraceId)));
        }
    }

    public override void OnEnd(Activity data)
    {
        if (!data.IsAllDataRequested) return;
        try
        {
            if (mapGenAiSpans) GenAiSpanMapper.Map(data);
            // MLflow's spans always end OK or ERROR; a span that ended without a status (other libraries' spans) is OK.
            if (data.Status == ActivityStatusCode.Unset) data.SetStatus(ActivityStatusCode.Ok);
            if (data.Parent is null && data.ParentSpanId != default) return; // the trace's root is in another process
            if (data.GetTagItem(MlflowSpanAttributes.ChatTokenUsage) is { } tag && SpanValues.Parse(tag) is JsonObject usage)
            {
                TraceRegistry.For(data).AddUsage(data.SpanId, data.ParentSpanId, Read(usage["input_tokens"]), Read(usage["output_tokens"]), Read(usage["total_tokens"]));
            }
            else if (data.Parent is not null && TraceRegistry.Find(TraceRegistry.Root(data)) is { } state)
            {
                // Parent links matter only above a span with usage, and those spans end after it: a trace without
                // usage so far gets no state at all.
                state.RecordSpan(data.SpanId, data.ParentSpanId);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Tracing never throws into the application.
        }
    }

    private static long Read(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<long>(out var l) ? l : node is JsonValue d && d.TryGetValue<double>(out var x) ? (long)x : 0;
}
