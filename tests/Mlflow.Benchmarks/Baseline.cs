using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mlflow.Benchmarks;

// The hand-written baseline: plain HttpClient + System.Text.Json (source-generated), the same requests and the same
// response content parsed into equivalent DTOs.

public sealed class MetricDto
{
    public string? Key { get; set; }
    public double? Value { get; set; }
    public long? Timestamp { get; set; }
    public long? Step { get; set; }
    public string? RunId { get; set; }
}

public sealed class LogMetricDto
{
    public string? RunId { get; set; }
    public string? Key { get; set; }
    public double? Value { get; set; }
    public long? Timestamp { get; set; }
    public long? Step { get; set; }
}

public sealed class KeyValueDto
{
    public string? Key { get; set; }
    public string? Value { get; set; }
}

public sealed class LogBatchDto
{
    public string? RunId { get; set; }
    public List<MetricDto>? Metrics { get; set; }
    public List<KeyValueDto>? Params { get; set; }
    public List<KeyValueDto>? Tags { get; set; }
}

public sealed class RunInfoDto
{
    public string? RunUuid { get; set; }
    public string? ExperimentId { get; set; }
    public string? RunName { get; set; }
    public string? UserId { get; set; }
    public string? Status { get; set; }
    public long? StartTime { get; set; }
    public long? EndTime { get; set; }
    public string? ArtifactUri { get; set; }
    public string? LifecycleStage { get; set; }
    public string? RunId { get; set; }
}

public sealed class RunDataDto
{
    public List<MetricDto>? Metrics { get; set; }
    public List<KeyValueDto>? Params { get; set; }
    public List<KeyValueDto>? Tags { get; set; }
}

public sealed class RunInputsDto
{
    public List<JsonElement>? DatasetInputs { get; set; }
}

public sealed class RunDto
{
    public RunInfoDto? Info { get; set; }
    public RunDataDto? Data { get; set; }
    public RunInputsDto? Inputs { get; set; }
}

public sealed class SearchRunsDto
{
    public List<string>? ExperimentIds { get; set; }
    public string? Filter { get; set; }
    public int? MaxResults { get; set; }
    public List<string>? OrderBy { get; set; }
}

public sealed class SearchRunsResponseDto
{
    public List<RunDto>? Runs { get; set; }
    public string? NextPageToken { get; set; }
}

public sealed class MetricHistoryDto
{
    public List<MetricDto>? Metrics { get; set; }
    public string? NextPageToken { get; set; }
}

public sealed class EmptyDto;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals | JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(LogMetricDto))]
[JsonSerializable(typeof(LogBatchDto))]
[JsonSerializable(typeof(SearchRunsDto))]
[JsonSerializable(typeof(SearchRunsResponseDto))]
[JsonSerializable(typeof(MetricHistoryDto))]
[JsonSerializable(typeof(EmptyDto))]
public sealed partial class BaselineJson : JsonSerializerContext;

/// <summary>What a careful developer writes by hand with HttpClient and System.Text.Json.</summary>
public sealed class BaselineClient(HttpClient http, string baseUrl)
{
    public async Task LogMetricAsync(LogMetricDto body)
    {
        using var response = await http.PostAsJsonAsync(baseUrl + "/api/2.0/mlflow/runs/log-metric", body, BaselineJson.Default.LogMetricDto).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        _ = await response.Content.ReadFromJsonAsync(BaselineJson.Default.EmptyDto).ConfigureAwait(false);
    }

    public async Task LogBatchAsync(LogBatchDto body)
    {
        using var response = await http.PostAsJsonAsync(baseUrl + "/api/2.0/mlflow/runs/log-batch", body, BaselineJson.Default.LogBatchDto).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        _ = await response.Content.ReadFromJsonAsync(BaselineJson.Default.EmptyDto).ConfigureAwait(false);
    }

    public async Task<SearchRunsResponseDto?> SearchRunsAsync(SearchRunsDto body)
    {
        using var response = await http.PostAsJsonAsync(baseUrl + "/api/2.0/mlflow/runs/search", body, BaselineJson.Default.SearchRunsDto).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(BaselineJson.Default.SearchRunsResponseDto).ConfigureAwait(false);
    }

    public async Task<MetricHistoryDto?> GetMetricHistoryAsync(string runId, string key, int maxResults)
    {
        var url = $"{baseUrl}/api/2.0/mlflow/metrics/get-history?run_id={Uri.EscapeDataString(runId)}&metric_key={Uri.EscapeDataString(key)}&max_results={maxResults}";
        using var response = await http.GetAsync(url).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(BaselineJson.Default.MetricHistoryDto).ConfigureAwait(false);
    }
}
