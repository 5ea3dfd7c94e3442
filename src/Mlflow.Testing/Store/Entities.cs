namespace Mlflow.Testing.Store;

/// <summary>String key/value pairs that keep their insertion order (MLflow answers tags in the order they were set).</summary>
internal sealed class TagMap
{
    private readonly List<KeyValuePair<string, string>> items = [];

    public int Count => items.Count;

    public IEnumerable<KeyValuePair<string, string>> Items => items;

    public string? Get(string key)
    {
        foreach (var item in items)
            if (item.Key == key) return item.Value;
        return null;
    }

    public bool Contains(string key) => items.Exists(i => i.Key == key);

    public void Set(string key, string value)
    {
        var index = items.FindIndex(i => i.Key == key);
        if (index >= 0) items[index] = new(key, value);
        else items.Add(new(key, value));
    }

    public bool Remove(string key) => items.RemoveAll(i => i.Key == key) > 0;

    public TagMap Clone()
    {
        var copy = new TagMap();
        copy.items.AddRange(items);
        return copy;
    }
}

internal sealed class ExperimentEntity
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public required string ArtifactLocation { get; init; }
    public string LifecycleStage { get; set; } = "active";
    public long CreationTime { get; init; }
    public long LastUpdateTime { get; set; }
    public TagMap Tags { get; } = new();
}

internal sealed record MetricPoint(string Key, double Value, long Timestamp, long Step, long Sequence);

internal sealed class RunEntity
{
    public required string Id { get; init; }
    public required string ExperimentId { get; init; }
    public required string Name { get; set; }
    public string UserId { get; init; } = "";
    public string Status { get; set; } = "RUNNING";
    public long StartTime { get; init; }
    public long? EndTime { get; set; }
    public required string ArtifactUri { get; init; }
    public string LifecycleStage { get; set; } = "active";
    public TagMap Params { get; } = new();
    public TagMap Tags { get; } = new();

    /// <summary>Every logged point per key, in logging order; keys in first-logged order.</summary>
    public Dictionary<string, List<MetricPoint>> Metrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Logged inputs and outputs, kept as received (log-inputs, log-outputs).</summary>
    public List<Generated.DatasetInput> DatasetInputs { get; } = [];
    public List<Generated.ModelInput> ModelInputs { get; } = [];
    public List<Generated.ModelOutput> ModelOutputs { get; } = [];
    public List<string> MetricKeys { get; } = [];

    /// <summary>MLflow's "latest" value of a metric: the greatest (step, timestamp, value).</summary>
    public MetricPoint? Latest(string key) =>
        Metrics.TryGetValue(key, out var points) && points.Count > 0
            ? points.OrderBy(p => p.Step).ThenBy(p => p.Timestamp).ThenBy(p => double.IsNaN(p.Value) ? double.NegativeInfinity : p.Value).Last()
            : null;
}

internal sealed class RegisteredModelEntity
{
    public required string Name { get; set; }
    public long CreationTimestamp { get; init; }
    public long LastUpdatedTimestamp { get; set; }
    public string? Description { get; set; }
    public TagMap Tags { get; } = new();

    /// <summary>Alias to version number, in the order set.</summary>
    public TagMap Aliases { get; } = new();
    public List<ModelVersionEntity> Versions { get; } = [];
    public int NextVersion { get; set; } = 1;

    public bool IsPrompt => Tags.Get(Prompts.IsPromptTag) == "true";
}

internal sealed class ModelVersionEntity
{
    public required string Name { get; set; }
    public required int Version { get; init; }
    public long CreationTimestamp { get; init; }
    public long LastUpdatedTimestamp { get; set; }
    public string? Description { get; set; }
    public required string Source { get; init; }
    public string RunId { get; init; } = "";
    public string RunLink { get; init; } = "";
    public string CurrentStage { get; set; } = "None";
    public string? ModelId { get; init; }
    public TagMap Tags { get; } = new();
}

internal sealed class WebhookEntity
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public required string Url { get; set; }
    public required List<(string Entity, string Action)> Events { get; set; }
    public string? Secret { get; set; }
    public string Status { get; set; } = "ACTIVE";
    public long CreationTimestamp { get; init; }
    public long LastUpdatedTimestamp { get; set; }
}

/// <summary>Reserved tags of prompts (prompts are registered models and versions carrying them).</summary>
internal static class Prompts
{
    public const string IsPromptTag = "mlflow.prompt.is_prompt";
    public const string TextTag = "mlflow.prompt.text";
    public const string TypeTag = "_mlflow_prompt_type";
    public const string ResponseFormatTag = "_mlflow_prompt_response_format";
    public const string ModelConfigTag = "_mlflow_prompt_model_config";

    /// <summary>Tags MLflow drops from prompt event payloads.</summary>
    public static bool IsInternal(string key) => key is IsPromptTag or TextTag or TypeTag or ResponseFormatTag or ModelConfigTag;
}
