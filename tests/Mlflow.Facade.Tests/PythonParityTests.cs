using System.Reflection;
using Mlflow.TestSupport;

namespace Mlflow.Facade.Tests;

/// <summary>
/// Every method of the Python <c>MlflowClient</c> (MLflow 3.x) that calls the REST API, mapped to the facade method
/// that does the same call. Prompts are registered models and versions with reserved tags, so the prompt methods map
/// onto the registry methods. The test fails when a mapped facade method is missing.
/// </summary>
public sealed class PythonParityTests
{
    internal static readonly (string Python, string Facade)[] Map =
    {
        // experiments
        ("create_experiment", "CreateExperimentAsync"),
        ("get_experiment", "GetExperimentAsync"),
        ("get_experiment_by_name", "GetExperimentByNameAsync"),
        ("search_experiments", "SearchExperimentsAsync"),
        ("delete_experiment", "DeleteExperimentAsync"),
        ("restore_experiment", "RestoreExperimentAsync"),
        ("rename_experiment", "RenameExperimentAsync"),
        ("set_experiment_tag", "SetExperimentTagAsync"),
        ("delete_experiment_tag", "DeleteExperimentTagAsync"),
        // runs
        ("create_run", "CreateRunAsync"),
        ("get_run", "GetRunAsync"),
        ("get_parent_run", "GetRunAsync"),
        ("search_runs", "SearchRunsAsync"),
        ("delete_run", "DeleteRunAsync"),
        ("restore_run", "RestoreRunAsync"),
        ("update_run", "UpdateRunAsync"),
        ("set_terminated", "UpdateRunAsync"),
        // logging
        ("log_metric", "LogMetricAsync"),
        ("log_param", "LogParamAsync"),
        ("log_batch", "LogBatchAsync"),
        ("log_inputs", "LogInputsAsync"),
        ("log_outputs", "LogOutputsAsync"),
        ("set_tag", "SetTagAsync"),
        ("delete_tag", "DeleteTagAsync"),
        ("log_artifact", "UploadArtifactAsync"),
        ("log_artifacts", "UploadArtifactAsync"),
        ("log_text", "UploadArtifactAsync"),
        ("log_dict", "UploadArtifactAsync"),
        ("list_artifacts", "ListArtifactsAsync"),
        ("download_artifacts", "DownloadArtifactAsync"),
        // metric history
        ("get_metric_history", "GetMetricHistoryAsync"),
        // registry
        ("create_registered_model", "CreateRegisteredModelAsync"),
        ("rename_registered_model", "RenameRegisteredModelAsync"),
        ("update_registered_model", "UpdateRegisteredModelAsync"),
        ("delete_registered_model", "DeleteRegisteredModelAsync"),
        ("get_registered_model", "GetRegisteredModelAsync"),
        ("search_registered_models", "SearchRegisteredModelsAsync"),
        ("get_latest_versions", "GetLatestVersionsAsync"),
        ("set_registered_model_tag", "SetRegisteredModelTagAsync"),
        ("delete_registered_model_tag", "DeleteRegisteredModelTagAsync"),
        ("create_model_version", "CreateModelVersionAsync"),
        ("copy_model_version", "CreateModelVersionAsync"),
        ("update_model_version", "UpdateModelVersionAsync"),
        ("transition_model_version_stage", "TransitionModelVersionStageAsync"),
        ("delete_model_version", "DeleteModelVersionAsync"),
        ("get_model_version", "GetModelVersionAsync"),
        ("get_model_version_download_uri", "GetModelVersionDownloadUriAsync"),
        ("search_model_versions", "SearchModelVersionsAsync"),
        ("set_model_version_tag", "SetModelVersionTagAsync"),
        ("delete_model_version_tag", "DeleteModelVersionTagAsync"),
        // aliases
        ("set_registered_model_alias", "SetRegisteredModelAliasAsync"),
        ("delete_registered_model_alias", "DeleteRegisteredModelAliasAsync"),
        ("get_model_version_by_alias", "GetModelVersionByAliasAsync"),
        // prompts (registered models and versions tagged mlflow.prompt.is_prompt)
        ("register_prompt", "CreateRegisteredModelAsync"),
        ("register_prompt (version)", "CreateModelVersionAsync"),
        ("get_prompt", "GetRegisteredModelAsync"),
        ("search_prompts", "SearchRegisteredModelsAsync"),
        ("delete_prompt", "DeleteRegisteredModelAsync"),
        ("load_prompt", "GetModelVersionAsync"),
        ("load_prompt (alias)", "GetModelVersionByAliasAsync"),
        ("get_prompt_version", "GetModelVersionAsync"),
        ("search_prompt_versions", "SearchModelVersionsAsync"),
        ("delete_prompt_version", "DeleteModelVersionAsync"),
        ("set_prompt_alias", "SetRegisteredModelAliasAsync"),
        ("delete_prompt_alias", "DeleteRegisteredModelAliasAsync"),
        ("set_prompt_tag", "SetRegisteredModelTagAsync"),
        ("delete_prompt_tag", "DeleteRegisteredModelTagAsync"),
        ("set_prompt_version_tag", "SetModelVersionTagAsync"),
        ("delete_prompt_version_tag", "DeleteModelVersionTagAsync"),
        ("link_prompt_versions_to_trace", "LinkPromptVersionsToTraceAsync"),
        // traces
        ("start_trace", "StartTraceAsync"),
        ("get_trace", "GetTraceAsync"),
        ("get_trace_info", "GetTraceInfoAsync"),
        ("search_traces", "SearchTracesAsync"),
        ("delete_traces", "DeleteTracesAsync"),
        ("set_trace_tag", "SetTraceTagAsync"),
        ("delete_trace_tag", "DeleteTraceTagAsync"),
        ("link_traces_to_run", "LinkTracesToRunAsync"),
        // assessments
        ("log_assessment", "CreateAssessmentAsync"),
        ("log_feedback", "LogFeedbackAsync"),
        ("log_expectation", "LogExpectationAsync"),
        ("get_assessment", "GetAssessmentAsync"),
        ("update_assessment", "UpdateAssessmentAsync"),
        ("delete_assessment", "DeleteAssessmentAsync"),
        // webhooks
        ("create_webhook", "CreateWebhookAsync"),
        ("get_webhook", "GetWebhookAsync"),
        ("list_webhooks", "ListWebhooksAsync"),
        ("update_webhook", "UpdateWebhookAsync"),
        ("delete_webhook", "DeleteWebhookAsync"),
        ("test_webhook", "TestWebhookAsync"),
        // logged models
        ("create_logged_model", "CreateLoggedModelAsync"),
        ("get_logged_model", "GetLoggedModelAsync"),
        ("delete_logged_model", "DeleteLoggedModelAsync"),
        ("finalize_logged_model", "FinalizeLoggedModelAsync"),
        ("search_logged_models", "SearchLoggedModelsAsync"),
        ("set_logged_model_tags", "SetLoggedModelTagsAsync"),
        ("delete_logged_model_tag", "DeleteLoggedModelTagAsync"),
        ("log_model_params", "LogModelParamsAsync"),
    };

    /// <summary>Hand-written trace members (src/Mlflow.Client/Traces/), not generated from the spec.</summary>
    private static readonly HashSet<string> HandWrittenTraceMethods = new(StringComparer.Ordinal)
    {
        "GetTraceAsync", "SearchTracesAsync", "SearchTracesPageAsync", "SetTraceTagAsync", "DeleteTraceTagAsync", "DeleteTracesAsync",
        "LinkTracesToRunAsync", "LogFeedbackAsync", "LogExpectationAsync",
    };

    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (var (python, facade) in Map)
        {
            data.Add(python, facade);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Python_method_has_its_facade_method(string python, string facade)
    {
        var method = typeof(MlflowClient).GetMethods(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(m => m.Name == facade);
        Assert.True(method != null, $"MlflowClient.{python} has no facade method {facade}");
        var returns = method!.ReturnType;
        Assert.True(
            returns == typeof(Task) || (returns.IsGenericType && (returns.GetGenericTypeDefinition() == typeof(Task<>) || returns.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))),
            facade + " returns " + returns);
    }

    [Fact]
    public void Paged_python_methods_are_async_sequences_with_a_page_method()
    {
        foreach (var name in new[] { "SearchExperiments", "SearchRuns", "GetMetricHistory", "SearchRegisteredModels", "SearchModelVersions", "SearchTraces", "ListWebhooks", "SearchLoggedModels", "ListArtifacts" })
        {
            var all = typeof(MlflowClient).GetMethod(name + "Async")!;
            Assert.Equal(typeof(IAsyncEnumerable<>), all.ReturnType.GetGenericTypeDefinition());
            var page = typeof(MlflowClient).GetMethod(name + "PageAsync")!;
            Assert.Equal(typeof(Page<>), page.ReturnType.GetGenericArguments()[0].GetGenericTypeDefinition());
        }
    }

    [Fact]
    public void Every_spec_operation_is_wrapped_or_skipped_with_a_reason()
    {
        var spec = SpecIndex.Load();
        var ids = spec.Operations.Select(o => o.OperationId).ToHashSet();
        Assert.Equal(MlflowClientFacadeCatalog.OperationCount, ids.Count);
        Assert.Equal(ids.OrderBy(x => x, StringComparer.Ordinal), MlflowClientFacadeCatalog.Wrapped.Concat(MlflowClientFacadeCatalog.Skipped.Keys).OrderBy(x => x, StringComparer.Ordinal));
        foreach (var (id, reason) in MlflowClientFacadeCatalog.Skipped)
        {
            var operation = spec.Operations.Single(o => o.OperationId == id);
            var tag = (string?)operation.Operation["tags"]?[0];
            Assert.True(tag == "deployments" || (operation.Method == "GET" && id.EndsWith("Get", StringComparison.Ordinal)), id + ": " + reason);
        }

        var facadeMethods = typeof(MlflowClient).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Count(m => m.Name.EndsWith("Async", StringComparison.Ordinal) && !m.Name.StartsWith("TryGet", StringComparison.Ordinal) // TryGet…: hand-written runtime helpers
                && !HandWrittenTraceMethods.Contains(m.Name));
        Assert.Equal(MlflowClientFacadeCatalog.MethodCount, facadeMethods);
    }
}
