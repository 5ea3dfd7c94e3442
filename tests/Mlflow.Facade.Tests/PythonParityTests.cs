using System.Reflection;
using System.Text.RegularExpressions;
using Mlflow.Client.Models;

namespace Mlflow.Facade.Tests;

/// <summary>
/// Parity with the Python <c>MlflowClient</c>: every method of the reference the facade mirrors
/// (tests/data/python-mlflowclient-signatures.txt, copied from the project's seed) is either mapped to a C# method,
/// whose name, parameter names in order, required set and defaults are checked against the Python signature, or listed
/// as a departure with its reason. A new Python method, a renamed C# parameter or a changed default fails the test.
/// </summary>
public sealed partial class PythonParityTests
{
    /// <summary>One Python method and where it lives in C#, with the deliberate differences.</summary>
    /// <param name="Python">The Python method.</param>
    /// <param name="Method">The C# member path (<c>CreateExperimentAsync</c>, <c>Auth.CreateUserAsync</c>); null: not mapped (see Reason).</param>
    /// <param name="Reason">Why the signature differs, or why there is no method.</param>
    /// <param name="Drop">Python parameters the C# method does not take.</param>
    /// <param name="Extra">C# parameters Python does not have (all optional, after the Python ones).</param>
    /// <param name="Rename">Python parameter -&gt; C# parameter, where the name is not the camelCase of the Python one.</param>
    /// <param name="Defaults">Python parameter -&gt; the C# default it corresponds to, where Python's None means a value.</param>
    internal sealed record Mapping(
        string Python,
        string? Method,
        string? Reason = null,
        string[]? Drop = null,
        string[]? Extra = null,
        Dictionary<string, string>? Rename = null,
        Dictionary<string, object?>? Defaults = null,
        string[]? Order = null,
        string[]? Relaxed = null,
        string[]? Tightened = null);

    /// <summary>Python's named constants in default values.</summary>
    private static readonly Dictionary<string, object?> Constants = new()
    {
        ["None"] = null,
        ["()"] = null,
        ["True"] = true,
        ["False"] = false,
        ["ViewType.ACTIVE_ONLY"] = ViewType.ActiveOnly,
        ["SEARCH_MAX_RESULTS_DEFAULT"] = 1000,
        ["SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT"] = 100,
        ["SEARCH_MODEL_VERSION_MAX_RESULTS_DEFAULT"] = 10000,
        ["SEARCH_TRACES_DEFAULT_MAX_RESULTS"] = 100,
    };

    internal static readonly Mapping[] Map =
    {
        // experiments
        new("create_experiment", "CreateExperimentAsync"),
        new("get_experiment", "GetExperimentAsync"),
        new("get_experiment_by_name", "GetExperimentByNameAsync"),
        new("search_experiments", "SearchExperimentsAsync"),
        new("delete_experiment", "DeleteExperimentAsync"),
        new("restore_experiment", "RestoreExperimentAsync"),
        new("rename_experiment", "RenameExperimentAsync"),
        new("set_experiment_tag", "SetExperimentTagAsync"),
        new("delete_experiment_tag", "DeleteExperimentTagAsync"),
        // runs
        new("create_run", "CreateRunAsync"),
        new("get_run", "GetRunAsync"),
        new("update_run", "UpdateRunAsync", "the REST call also sets end_time", Extra: ["endTime"]),
        new("delete_run", "DeleteRunAsync"),
        new("restore_run", "RestoreRunAsync"),
        new("search_runs", "SearchRunsAsync"),
        new("set_terminated", "SetTerminatedAsync", "Python's None status means FINISHED; the C# default says so", Defaults: new() { ["status"] = RunStatus.Finished }),
        new("get_parent_run", "GetParentRunAsync"),
        // logging
        new("log_param", "LogParamAsync"),
        new("log_metric", "LogMetricAsync", "Python's None step means 0; the C# default says so", Defaults: new() { ["step"] = 0L }),
        new("log_batch", "LogBatchAsync"),
        new("set_tag", "SetTagAsync"),
        new("delete_tag", "DeleteTagAsync"),
        new("get_metric_history", "GetMetricHistoryAsync"),
        // artifacts
        new("log_artifact", "LogArtifactAsync", "progress reporting on transfers", Extra: ["progress"]),
        new("log_artifacts", "LogArtifactsAsync", "progress reporting on transfers", Extra: ["progress"]),
        new("log_text", "LogTextAsync"),
        new("log_dict", "LogDictAsync"),
        new("log_image", "LogImageAsync", "images are encoded bytes (PNG, JPEG...) saved under artifact_file; MLflow's time-series images (key, step, timestamp) are not offered",
            Drop: ["key", "step", "timestamp", "synchronous"], Order: ["runId", "image", "artifactFile"], Tightened: ["artifact_file"]),
        new("log_table", "LogTableAsync"),
        new("list_artifacts", "ListArtifactsAsync"),
        new("download_artifacts", "DownloadArtifactsAsync", "progress reporting on transfers", Extra: ["progress"]),
        new("log_figure", null, "a matplotlib/plotly figure has no .NET counterpart; render it to an image and use LogImageAsync"),
        new("load_table", null, "builds a pandas DataFrame from table artifacts of several runs; .NET has no DataFrame type in the BCL (download the table JSON with DownloadArtifactsAsync)"),
        // registry
        new("create_registered_model", "CreateRegisteredModelAsync"),
        new("get_registered_model", "GetRegisteredModelAsync"),
        new("update_registered_model", "UpdateRegisteredModelAsync"),
        new("rename_registered_model", "RenameRegisteredModelAsync"),
        new("delete_registered_model", "DeleteRegisteredModelAsync"),
        new("search_registered_models", "SearchRegisteredModelsAsync"),
        new("create_model_version", "CreateModelVersionAsync",
            "MLflow OSS stores create versions READY at once; waiting for READY (Databricks' asynchronous registries) is RegisterModelAsync's awaitReadyFor",
            Drop: ["await_creation_for"]),
        new("get_model_version", "GetModelVersionAsync"),
        new("update_model_version", "UpdateModelVersionAsync"),
        new("delete_model_version", "DeleteModelVersionAsync"),
        new("get_model_version_download_uri", "GetModelVersionDownloadUriAsync"),
        new("search_model_versions", "SearchModelVersionsAsync"),
        new("copy_model_version", "CopyModelVersionAsync"),
        new("set_registered_model_alias", "SetRegisteredModelAliasAsync"),
        new("delete_registered_model_alias", "DeleteRegisteredModelAliasAsync"),
        new("get_model_version_by_alias", "GetModelVersionByAliasAsync"),
        // traces
        new("start_trace", null, "spans are made on the client and exported over OTLP: Mlflow.Tracing's MlflowTracing.StartSpan on OpenTelemetry"),
        new("end_trace", null, "spans are made on the client and exported over OTLP: disposing Mlflow.Tracing's span ends it"),
        new("start_span", null, "spans are made on the client and exported over OTLP: Mlflow.Tracing's MlflowTracing.StartSpan"),
        new("end_span", null, "spans are made on the client and exported over OTLP: disposing Mlflow.Tracing's span ends it"),
        new("get_trace", "GetTraceAsync", "display renders the trace in a notebook; there is none here", Drop: ["display"]),
        new("search_traces", "SearchTracesAsync", "the experiments are required (MLflow 3.11's search needs a location); sql_warehouse_id is Databricks' SQL warehouse",
            Drop: ["sql_warehouse_id"], Tightened: ["experiment_ids"]),
        new("delete_traces", "DeleteTracesAsync"),
        new("set_trace_tag", "SetTraceTagAsync"),
        new("delete_trace_tag", "DeleteTraceTagAsync"),
        // prompts
        new("create_prompt", "CreatePromptAsync"),
        new("get_prompt", "GetPromptAsync"),
        new("search_prompts", "SearchPromptsAsync"),
        new("register_prompt", "RegisterPromptAsync", "MLflow numbers prompt versions itself (1, 2, ...): there is no version to choose", Drop: ["version"]),
        // assessments: MLflow 3.11's routes address an assessment by trace id and assessment id
        new("log_assessment", "CreateAssessmentAsync", "MLflow 3.11's route takes the trace id first (request_id is that id) and the assessment; run_id and timestamp_ms are fields of the assessment",
            Drop: ["request_id", "run_id", "timestamp_ms"], Extra: ["traceId"], Order: ["traceId", "assessment"]),
        new("get_assessment", "GetAssessmentAsync", "MLflow 3.11's route needs the trace id too", Extra: ["traceId"], Order: ["traceId", "assessmentId"]),
        new("update_assessment", "UpdateAssessmentAsync", "MLflow 3.11's route needs the trace id, the new assessment and the field mask (Python's **kwargs)",
            Extra: ["traceId", "assessment", "updateMask"], Order: ["traceId", "assessmentId", "assessment", "updateMask"]),
        new("delete_assessment", "DeleteAssessmentAsync", "MLflow 3.11's route needs the trace id too", Extra: ["traceId"], Order: ["traceId", "assessmentId"]),
        // webhooks: the reference shows the Databricks registry-webhook signature; MLflow 3.3+ OSS takes name, url and events
        new("create_webhook", "CreateWebhookAsync", "MLflow 3.3+ OSS webhooks: create_webhook(name, url, events, description=None, secret=None, status=None)",
            Drop: ["http_url_spec", "model_name"], Extra: ["name", "url", "secret"], Order: ["name", "url", "events", "description", "secret", "status"],
            Defaults: new() { ["status"] = null }),
        new("get_webhook", "GetWebhookAsync"),
        new("list_webhooks", "ListWebhooksAsync", "MLflow 3.3+ OSS lists all webhooks, paged (no event or model filter)", Drop: ["events", "model_name"], Extra: ["maxResults"], Order: ["maxResults", "pageToken"]),
        new("update_webhook", "UpdateWebhookAsync", "Python's **kwargs are the optional fields of the update", Extra: ["name", "description", "url", "events", "secret", "status"]),
        new("delete_webhook", "DeleteWebhookAsync"),
        // logged models: the reference shows a pre-3.0 signature; MLflow 3.x takes an experiment id and optional name, run, tags, params, type
        new("create_logged_model", "CreateLoggedModelAsync", "MLflow 3.x: create_logged_model(experiment_id, name=None, source_run_id=None, tags=None, params=None, model_type=None)",
            Drop: ["run_id", "model_path", "flavor", "metadata"], Extra: ["experimentId", "sourceRunId", "tags", "params", "modelType"],
            Order: ["experimentId", "name", "sourceRunId", "tags", "params", "modelType"], Relaxed: ["name"]),
        new("search_logged_models", "SearchLoggedModelsAsync", "MLflow 3.x requires the experiment ids and can filter by datasets", Extra: ["experimentIds", "datasets"],
            Order: ["experimentIds", "filterString", "datasets", "maxResults", "orderBy", "pageToken"]),
        new("log_model_params", "LogModelParamsAsync", "MLflow 3.x logs params on a logged model (model_id) as a dictionary", Drop: ["run_id", "model_params"], Extra: ["modelId", "params"], Order: ["modelId", "params"]),
    };

    [GeneratedRegex(@"^def (?<name>\w+)\(self(?:, )?(?<params>.*)\):$")]
    private static partial Regex DefLine();

    internal sealed record PythonParameter(string Name, string? Default);

    internal static Dictionary<string, List<PythonParameter>> PythonSignatures()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "python-mlflowclient-signatures.txt");
        var result = new Dictionary<string, List<PythonParameter>>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path).Where(l => l.StartsWith("def ", StringComparison.Ordinal)))
        {
            var m = DefLine().Match(line);
            Assert.True(m.Success, "unreadable signature: " + line);
            var parameters = new List<PythonParameter>();
            foreach (var raw in SplitParameters(m.Groups["params"].Value))
            {
                if (raw.StartsWith("**", StringComparison.Ordinal)) continue;
                var eq = raw.IndexOf('=');
                parameters.Add(eq < 0 ? new PythonParameter(raw, null) : new PythonParameter(raw[..eq].Trim(), raw[(eq + 1)..].Trim()));
            }
            result[m.Groups["name"].Value] = parameters;
        }
        return result;
    }

    private static IEnumerable<string> SplitParameters(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '(' or '[' or '{') depth++;
            else if (text[i] is ')' or ']' or '}') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i].Trim();
                start = i + 1;
            }
        }
        if (text.Trim().Length > 0) yield return text[start..].Trim();
    }

    internal static string Camel(string snake)
    {
        var parts = snake.Split('_', StringSplitOptions.RemoveEmptyEntries);
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }

    /// <summary>The C# method a mapping names (following sub-client properties), choosing the overload whose first parameter matches.</summary>
    internal static MethodInfo? Resolve(string path, string? firstParameter)
    {
        var type = typeof(MlflowClient);
        var parts = path.Split('.');
        foreach (var property in parts[..^1])
        {
            type = type.GetProperty(property)?.PropertyType;
            if (type is null) return null;
        }
        var candidates = type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name == parts[^1]).ToList();
        return candidates.FirstOrDefault(m => firstParameter is null || m.GetParameters().FirstOrDefault()?.Name == firstParameter) ?? candidates.FirstOrDefault();
    }

    [Fact]
    public void Every_python_method_is_mapped_or_listed_as_a_departure()
    {
        var python = PythonSignatures();
        Assert.Equal(74, python.Count);
        var mapped = Map.Select(m => m.Python).ToHashSet();
        Assert.Equal([], python.Keys.Except(mapped).ToList());
        Assert.Equal([], mapped.Except(python.Keys).ToList());
        Assert.All(Map.Where(m => m.Method is null), m => Assert.False(string.IsNullOrWhiteSpace(m.Reason), m.Python + " has no method and no reason"));
    }

    public static TheoryData<string> MappedMethods() => new(Map.Where(m => m.Method is not null).Select(m => m.Python));

    [Theory]
    [MemberData(nameof(MappedMethods))]
    public void The_CSharp_signature_follows_the_python_one(string pythonName)
    {
        var mapping = Map.Single(m => m.Python == pythonName);
        var python = PythonSignatures()[pythonName];
        var drop = mapping.Drop ?? [];
        var extra = mapping.Extra ?? [];
        var expected = python.Where(p => !drop.Contains(p.Name)).Select(p => mapping.Rename?.GetValueOrDefault(p.Name) ?? Camel(p.Name)).ToList();
        var order = mapping.Order?.ToList() ?? expected.Concat(extra).ToList();

        var method = Resolve(mapping.Method!, order.FirstOrDefault());
        Assert.True(method is not null, $"{pythonName}: no C# method {mapping.Method}");
        var parameters = method!.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToList();
        Assert.Equal(order, parameters.Select(p => p.Name!).Take(order.Count).ToList());
        Assert.True(parameters.Count == order.Count, $"{pythonName}: C# has parameters the mapping does not list: {string.Join(", ", parameters.Skip(order.Count).Select(p => p.Name))}");

        foreach (var p in python.Where(p => !drop.Contains(p.Name)))
        {
            var cs = parameters.Single(x => x.Name == (mapping.Rename?.GetValueOrDefault(p.Name) ?? Camel(p.Name)));
            if (p.Default is null && mapping.Relaxed?.Contains(p.Name) == true)
            {
                Assert.True(cs.HasDefaultValue, $"{pythonName}.{p.Name} is listed as optional in C# but is required");
                continue;
            }

            if (p.Default is null)
            {
                Assert.False(cs.HasDefaultValue, $"{pythonName}.{p.Name} is required in Python but optional in C#");
                continue;
            }

            if (mapping.Tightened?.Contains(p.Name) == true)
            {
                Assert.False(cs.HasDefaultValue, $"{pythonName}.{p.Name} is listed as required in C# but has a default");
                continue;
            }

            Assert.True(cs.HasDefaultValue, $"{pythonName}.{p.Name} has a default in Python ({p.Default}) but is required in C#");
            var expectedDefault = mapping.Defaults is { } d && d.TryGetValue(p.Name, out var given) ? given : PythonDefault(p.Default);
            Assert.True(Equals(Normalize(expectedDefault), Normalize(DefaultOf(cs))), $"{pythonName}.{p.Name}: Python default {p.Default}, C# default {cs.DefaultValue ?? "null"}");
        }

        foreach (var name in extra)
        {
            Assert.True(parameters.Single(x => x.Name == name).HasDefaultValue || (mapping.Order is not null),
                $"{pythonName}: the C#-only parameter {name} must be optional");
        }
    }

    private static object? PythonDefault(string text)
    {
        if (Constants.TryGetValue(text, out var value)) return value;
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"') return text[1..^1];
        if (long.TryParse(text, out var number)) return number;
        throw new Xunit.Sdk.XunitException("no C# counterpart known for the Python default " + text);
    }

    /// <summary>A parameter's default; for a nullable enum, reflection gives the number, turned back into the enum.</summary>
    private static object? DefaultOf(ParameterInfo parameter)
    {
        var value = parameter.DefaultValue;
        var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return value is not null && type.IsEnum && value.GetType() != type ? Enum.ToObject(type, value) : value;
    }

    private static object? Normalize(object? value) => value switch
    {
        int i => (long)i,
        Enum e => e.ToString(),
        _ => value,
    };

    [Fact]
    public void Departures_are_few_and_each_has_a_reason()
    {
        var departures = Map.Where(m => m.Method is null || m.Drop is not null || m.Extra is not null || m.Defaults is not null || m.Order is not null || m.Relaxed is not null || m.Tightened is not null).ToList();
        Assert.All(departures, m => Assert.False(string.IsNullOrWhiteSpace(m.Reason), m.Python + " departs without a reason"));
    }

    [Fact]
    public void The_facade_catalog_lists_every_operation_once_as_wrapped_or_skipped()
    {
        var wrapped = MlflowClientFacadeCatalog.Methods.Select(m => m.OperationId).Distinct().ToList();
        Assert.Empty(wrapped.Intersect(MlflowClientFacadeCatalog.Skipped.Keys));
        Assert.Equal(MlflowClientFacadeCatalog.OperationCount, wrapped.Count + MlflowClientFacadeCatalog.Skipped.Count);
        Assert.All(MlflowClientFacadeCatalog.Methods, m => Assert.True(m.Described, m.OperationId + " has no facade description entry"));
    }
}
