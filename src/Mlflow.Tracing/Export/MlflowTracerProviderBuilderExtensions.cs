using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Mlflow;
using Mlflow.Tracing;
using OpenTelemetry;

// The extension lives in OpenTelemetry's namespace, next to AddOtlpExporter, so that it shows up where users look.
namespace OpenTelemetry.Trace;

/// <summary>Adds the MLflow exporter to an OpenTelemetry tracer provider.</summary>
public static class MlflowTracerProviderBuilderExtensions
{
    /// <summary>The activity sources of GenAI libraries that <see cref="MlflowExporterOptions.IncludeGenAiSources"/> adds.</summary>
    public static IReadOnlyList<string> GenAiSources { get; } = ["Experimental.Microsoft.Extensions.AI", "Microsoft.Extensions.AI", "Microsoft.SemanticKernel*"];

    /// <summary>
    /// Sends the provider's traces to MLflow as MLflow traces: listens to <see cref="MlflowTracing.ActivitySourceName"/>
    /// (and the GenAI sources), maps GenAI convention spans to MLflow span types, inputs and outputs, and exports
    /// through OpenTelemetry's OTLP exporter into the experiment, writing each trace's info as MLflow's Python SDK does.
    /// Works with <c>services.AddOpenTelemetry().WithTracing(b =&gt; b.AddMlflowExporter(...))</c> and with
    /// <c>Sdk.CreateTracerProviderBuilder()</c>. When <see cref="MlflowExporterOptions.Client"/> is left as it is and
    /// the application registered <c>AddMlflowClient</c>, its options are used.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <param name="configure">Sets the experiment and, if needed, the client options.</param>
    /// <returns>The builder.</returns>
    public static TracerProviderBuilder AddMlflowExporter(this TracerProviderBuilder builder, Action<MlflowExporterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MlflowExporterOptions();
        var defaultClient = options.Client;
        configure?.Invoke(options);
        builder.AddSource(MlflowTracing.ActivitySourceName);
        if (options.IncludeGenAiSources) builder.AddSource(GenAiSources.ToArray());
        builder.AddProcessor(new MlflowSpanProcessor(options.MapGenAiSpans));
        builder.AddProcessor(services =>
        {
            if (ReferenceEquals(options.Client, defaultClient) && services.GetService<IOptions<MlflowClientOptions>>() is { } registered
                && services.GetService<IConfigureOptions<MlflowClientOptions>>() is not null)
            {
                options.Client = registered.Value;
            }
            options.LoggerFactory ??= services.GetService<ILoggerFactory>();
            var exporter = new MlflowTraceExporter(options);
            return options.ExportProcessorType == ExportProcessorType.Simple
                ? new SimpleActivityExportProcessor(exporter)
                : new BatchActivityExportProcessor(
                    exporter,
                    options.BatchExportProcessorOptions.MaxQueueSize,
                    options.BatchExportProcessorOptions.ScheduledDelayMilliseconds,
                    options.BatchExportProcessorOptions.ExporterTimeoutMilliseconds,
                    options.BatchExportProcessorOptions.MaxExportBatchSize);
        });
        return builder;
    }
}
