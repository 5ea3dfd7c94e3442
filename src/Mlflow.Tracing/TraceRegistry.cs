using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Mlflow.Tracing;

/// <summary>
/// Trace-level state kept beside the root activity of a trace made in this process: what
/// <see cref="MlflowTracing.UpdateCurrentTrace"/> set, and the token usage of the trace's LLM spans, summed as they
/// end. The exporter reads it when the root span is exported. Held weakly by the root activity, so an unsampled or
/// never-ended trace leaves nothing behind.
/// </summary>
internal static class TraceRegistry
{
    private static readonly ConditionalWeakTable<Activity, TraceState> States = new();

    /// <summary>The local root of an activity: its farthest in-process ancestor.</summary>
    public static Activity Root(Activity activity)
    {
        var root = activity;
        while (root.Parent is { } parent) root = parent;
        return root;
    }

    public static TraceState For(Activity activity) => States.GetValue(Root(activity), _ => new TraceState());

    public static TraceState? Find(Activity root) => States.TryGetValue(root, out var state) ? state : null;
}

/// <summary>Trace-level values of one trace (see <see cref="TraceRegistry"/>).</summary>
internal sealed class TraceState
{
    private readonly ConcurrentDictionary<ActivitySpanId, (ActivitySpanId Parent, long Input, long Output, long Total)> usage = new();

    public ConcurrentDictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
    public string? ClientRequestId { get; set; }
    public string? RequestPreview { get; set; }
    public string? ResponsePreview { get; set; }

    private readonly ConcurrentDictionary<ActivitySpanId, ActivitySpanId> parents = new();

    /// <summary>Records that a span of the trace ended, with its parent.</summary>
    public void RecordSpan(ActivitySpanId span, ActivitySpanId parent) => parents[span] = parent;

    /// <summary>Records the token usage of one span of the trace.</summary>
    public void AddUsage(ActivitySpanId span, ActivitySpanId parent, long input, long output, long total)
    {
        parents[span] = parent;
        usage[span] = (parent, input, output, total);
    }

    /// <summary>
    /// The trace's token usage: the sum over spans with usage, each call counted once (a span with an ancestor that
    /// also reports usage, such as a provider's span under a chat span, is left out).
    /// </summary>
    public (long Input, long Output, long Total)? Usage
    {
        get
        {
            if (usage.IsEmpty) return null;
            long input = 0, output = 0, total = 0;
            foreach (var (_, entry) in usage)
            {
                var ancestor = entry.Parent;
                var covered = false;
                for (var depth = 0; depth < 256 && ancestor != default; depth++)
                {
                    if (usage.ContainsKey(ancestor))
                    {
                        covered = true;
                        break;
                    }
                    if (!parents.TryGetValue(ancestor, out ancestor)) break;
                }
                if (covered) continue;
                input += entry.Input;
                output += entry.Output;
                total += entry.Total;
            }
            return (input, output, total);
        }
    }
}
