using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>One log-batch request's worth of a run's metrics, params and tags.</summary>
internal sealed record BatchRequest(List<Metric> Metrics, List<Param> Params, List<RunTag> Tags)
{
    public int Count => Metrics.Count + Params.Count + Tags.Count;
}

/// <summary>
/// Splits what a caller logs into log-batch requests within MLflow's limits: params and tags first (100 of each per
/// request), the room left filled with metrics (at most 1,000 entities and 1,000 metrics), then the remaining metrics
/// 1,000 at a time, as MLflow's Python client splits them; and no request body over 1 MB.
/// </summary>
internal static class BatchSplitter
{
    public static List<BatchRequest> Split(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> parameters, IReadOnlyList<RunTag> tags)
    {
        var requests = new List<BatchRequest>();
        var budget = RunLimits.MaxBatchRequestBytes - RunLimits.EnvelopeBytes(runId);
        int p = 0, t = 0, m = 0;
        while (p < parameters.Count || t < tags.Count)
        {
            var request = new BatchRequest([], [], []);
            var bytes = 0;
            while (p < parameters.Count && request.Params.Count < RunLimits.MaxParamsTagsPerBatch)
            {
                var size = RunLimits.JsonBytes(parameters[p].Key, parameters[p].Value);
                if (request.Count > 0 && bytes + size > budget) break;
                request.Params.Add(parameters[p++]);
                bytes += size;
            }
            while (t < tags.Count && request.Tags.Count < RunLimits.MaxParamsTagsPerBatch)
            {
                var size = RunLimits.JsonBytes(tags[t].Key, tags[t].Value);
                if (request.Count > 0 && bytes + size > budget) break;
                request.Tags.Add(tags[t++]);
                bytes += size;
            }
            FillMetrics(request, metrics, ref m, bytes, budget);
            requests.Add(request);
        }
        while (m < metrics.Count)
        {
            var request = new BatchRequest([], [], []);
            FillMetrics(request, metrics, ref m, 0, budget);
            requests.Add(request);
        }
        return requests;
    }

    private static void FillMetrics(BatchRequest request, IReadOnlyList<Metric> metrics, ref int m, int bytes, int budget)
    {
        while (m < metrics.Count && request.Metrics.Count < RunLimits.MaxMetricsPerBatch && request.Count < RunLimits.MaxEntitiesPerBatch)
        {
            var size = RunLimits.JsonBytes(metrics[m]);
            if (request.Count > 0 && bytes + size > budget) break;
            request.Metrics.Add(metrics[m++]);
            bytes += size;
        }
    }
}
