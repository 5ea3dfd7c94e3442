using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Mlflow.Generators.Diagnostics;
using Mlflow.Generators.Emit;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;
using Mlflow.Generators.Parser;
using Mlflow.Generators.Planning;

namespace Mlflow.Generators
{
    /// <summary>
    /// The second-level surface generated from the same spec and the same parsed model as <see cref="MlflowClientGenerator"/>:
    /// the example factories and (when the MSBuild property <c>MlflowFacadeClient</c> names a
    /// partial class, e.g. <c>Mlflow.MlflowClient</c>) the facade, shaped by the reviewed facade description
    /// (AdditionalFiles named <c>*.facade.json</c>). This file only wires the steps.
    /// </summary>
    /// <remarks>
    /// In a build these steps run inside <see cref="MlflowClientGenerator"/> on its parsed document and plan (see
    /// <see cref="RegisterOutputs"/>), so the spec is parsed and planned once. This class is not discovered by the
    /// compiler (no [Generator] attribute); tests drive it alone to observe the extras steps on a small spec. The webhook
    /// payload union (<see cref="RegisterUnion"/>) is generated into Mlflow.Webhooks by <see cref="MlflowClientGenerator"/>
    /// when that project sets <c>MlflowGeneratedSurface</c> to <c>Webhooks</c>; run alone, this class emits it too.
    /// </remarks>
    public sealed class MlflowExtrasGenerator : IIncrementalGenerator
    {
        /// <summary>Names of the tracked pipeline steps (for incrementality tests).</summary>
        public static class TrackingNames
        {
            public const string ExtrasDocument = nameof(ExtrasDocument);
            public const string ExtrasPlan = nameof(ExtrasPlan);
            public const string Examples = nameof(Examples);
            public const string Union = nameof(Union);
            public const string WebhookPayloads = nameof(WebhookPayloads);
            public const string WebhookEnums = nameof(WebhookEnums);
            public const string FacadeOptions = nameof(FacadeOptions);
            public const string FacadeDescriptionFile = nameof(FacadeDescriptionFile);
            public const string FacadeDescription = nameof(FacadeDescription);
            public const string Facade = nameof(Facade);
            public const string FacadeFiles = nameof(FacadeFiles);
            public const string FacadeSupport = nameof(FacadeSupport);
            public const string FacadeDiagnostics = nameof(FacadeDiagnostics);
        }

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var specText = context.AdditionalTextsProvider
                .Where(static f => f.Path.EndsWith(".openapi.json", StringComparison.OrdinalIgnoreCase))
                .Select(static (f, ct) => new SpecText(f.Path, f.GetText(ct)?.ToString() ?? ""));

            var document = specText
                .Select(static (s, ct) => OpenApiParser.Parse(s.Path, s.Text, ct))
                .WithTrackingName(TrackingNames.ExtrasDocument);

            var planned = document
                .Select(static (d, _) => new DocumentAndPlan(d, KiotaPlanner.Plan(d, MlflowClientGenerator.ClientClassName)))
                .WithTrackingName(TrackingNames.ExtrasPlan);

            RegisterOutputs(context, planned);
            RegisterUnion(context, document);
        }

        /// <summary>Adds the webhook union steps (Mlflow.Webhooks): the cases file, one file per payload type and per enum.</summary>
        internal static void RegisterUnion(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<SpecDocument> document)
        {
            var plan = document.Select(static (d, _) => UnionPlanner.Plan(d));
            var union = plan
                .Select(static (u, _) => u == null ? null : new UnionCasesPlan(u.Cases))
                .WithTrackingName(TrackingNames.Union);
            context.RegisterSourceOutput(union, static (ctx, u) =>
            {
                if (u != null)
                {
                    ctx.AddSource(WebhookUnionEmitter.HintName(u), WebhookUnionEmitter.Emit(u));
                }
            });

            var payloads = plan
                .SelectMany(static (u, _) => u == null ? ImmutableArray<WebhookPayloadFile>.Empty : u.Payloads.Items.Select(p => new WebhookPayloadFile(p)).ToImmutableArray())
                .WithTrackingName(TrackingNames.WebhookPayloads);
            context.RegisterSourceOutput(payloads, static (ctx, p) => ctx.AddSource(WebhookUnionEmitter.HintName(p), WebhookUnionEmitter.Emit(p)));

            var enums = plan
                .SelectMany(static (u, _) => u == null ? ImmutableArray<WebhookEnumFile>.Empty : u.Enums.Items.Select(e => new WebhookEnumFile(e)).ToImmutableArray())
                .WithTrackingName(TrackingNames.WebhookEnums);
            context.RegisterSourceOutput(enums, static (ctx, e) => ctx.AddSource(WebhookUnionEmitter.HintName(e), WebhookUnionEmitter.Emit(e)));
        }

        /// <summary>Adds the example and facade steps on top of an already parsed and planned spec.</summary>
        internal static void RegisterOutputs(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<DocumentAndPlan> planned)
        {
            var examples = planned
                .SelectMany(static (p, _) => ExamplePlanner.Plan(p.Document, p.Plan).Items)
                .WithTrackingName(TrackingNames.Examples);
            context.RegisterSourceOutput(examples, static (ctx, e) => ctx.AddSource(ExampleEmitter.HintName(e), ExampleEmitter.Emit(e)));

            var facadeOptions = context.AnalyzerConfigOptionsProvider
                .Select(static (o, _) => o.GlobalOptions.TryGetValue("build_property.MlflowFacadeClient", out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : "")
                .WithTrackingName(TrackingNames.FacadeOptions);

            // Each description file is parsed on its own (an edit re-parses that file only), then merged in path order.
            var descriptionFiles = context.AdditionalTextsProvider
                .Where(static f => f.Path.EndsWith(".facade.json", StringComparison.OrdinalIgnoreCase))
                .Select(static (f, ct) => FacadeDescriptionParser.Parse(f.Path, f.GetText(ct)?.ToString() ?? "", ct))
                .WithTrackingName(TrackingNames.FacadeDescriptionFile);
            var description = descriptionFiles
                .Collect()
                .Select(static (files, _) => FacadeDescriptionParser.Merge(files.OrderBy(f => f.Clients.Count == 0 ? 1 : 0)))
                .WithTrackingName(TrackingNames.FacadeDescription);

            var facade = planned
                .Combine(description)
                .Combine(facadeOptions)
                .Select(static (p, _) => FacadePlanner.Plan(p.Left.Left.Document, p.Left.Left.Plan, p.Left.Right, p.Right))
                .WithTrackingName(TrackingNames.Facade);

            var facadeFiles = facade
                .SelectMany(static (f, _) => f == null ? default(EquatableArray<FacadeFilePlan>).Items : f.Files.Items)
                .WithTrackingName(TrackingNames.FacadeFiles);
            context.RegisterSourceOutput(facadeFiles, static (ctx, f) => ctx.AddSource(FacadeEmitter.HintName(f), FacadeEmitter.Emit(f)));

            var facadeSupport = facade
                .Select(static (f, _) => f?.Support)
                .WithTrackingName(TrackingNames.FacadeSupport);
            context.RegisterSourceOutput(facadeSupport, static (ctx, s) =>
            {
                if (s != null)
                {
                    ctx.AddSource(FacadeEmitter.SupportHintName(s), FacadeEmitter.EmitSupport(s));
                }
            });

            var facadeDiagnostics = facade
                .SelectMany(static (f, _) => f == null ? default(EquatableArray<DiagnosticInfo>).Items : f.Diagnostics.Items)
                .WithTrackingName(TrackingNames.FacadeDiagnostics);
            context.RegisterSourceOutput(facadeDiagnostics, static (ctx, d) => ctx.ReportDiagnostic(DiagnosticDescriptors.ToDiagnostic(d)));
        }
    }

    /// <summary>The parsed spec with its Kiota plan (value-equatable).</summary>
    internal sealed record DocumentAndPlan(SpecDocument Document, ClientPlan Plan);
}
