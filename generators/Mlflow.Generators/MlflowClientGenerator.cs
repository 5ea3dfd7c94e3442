using System;
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
    /// Turns the OpenAPI description (an AdditionalFiles item named <c>*.openapi.json</c>) into a Kiota client:
    /// models, enums, request builders, the root client and an operation catalog, plus the extras of
    /// <see cref="MlflowExtrasGenerator"/> (examples, facade) on the same plan; in Mlflow.Webhooks (MSBuild property
    /// <c>MlflowGeneratedSurface</c> = <c>Webhooks</c>) only the webhook payload union. This file only wires the
    /// incremental pipeline; parsing, planning and emitting live in Parser/, Planning/ and Emit/.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class MlflowClientGenerator : IIncrementalGenerator
    {
        /// <summary>The root client class.</summary>
        public const string ClientClassName = "MlflowApiClient";

        /// <summary>Names of the tracked pipeline steps (for incrementality tests).</summary>
        public static class TrackingNames
        {
            public const string SpecText = nameof(SpecText);
            public const string Document = nameof(Document);
            public const string Plan = nameof(Plan);
            public const string Models = nameof(Models);
            public const string Enums = nameof(Enums);
            public const string Builders = nameof(Builders);
            public const string RootClient = nameof(RootClient);
            public const string Catalog = nameof(Catalog);
            public const string Diagnostics = nameof(Diagnostics);

            /// <summary>Every tracked step.</summary>
            public static readonly string[] All = { SpecText, Document, Plan, Models, Enums, Builders, RootClient, Catalog, Diagnostics };
        }

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var specText = context.AdditionalTextsProvider
                .Where(static f => f.Path.EndsWith(".openapi.json", StringComparison.OrdinalIgnoreCase))
                .Select(static (f, ct) => new SpecText(f.Path, f.GetText(ct)?.ToString() ?? ""))
                .WithTrackingName(TrackingNames.SpecText);

            // One generator, two surfaces: the client (default) or, in Mlflow.Webhooks (MSBuild property
            // MlflowGeneratedSurface=Webhooks), the webhook payload union.
            var surface = context.AnalyzerConfigOptionsProvider
                .Select(static (o, _) => o.GlobalOptions.TryGetValue("build_property.MlflowGeneratedSurface", out var v) && string.Equals(v?.Trim(), "Webhooks", StringComparison.OrdinalIgnoreCase));
            var withSurface = specText.Combine(surface);
            var clientSpec = withSurface.Where(static p => !p.Right).Select(static (p, _) => p.Left);
            var webhookSpec = withSurface.Where(static p => p.Right).Select(static (p, _) => p.Left);

            var document = clientSpec
                .Select(static (s, ct) => OpenApiParser.Parse(s.Path, s.Text, ct))
                .WithTrackingName(TrackingNames.Document);

            // The document travels with its plan so that the extras (union, examples, facade) reuse both.
            var planned = document
                .Select(static (d, _) => new DocumentAndPlan(d, KiotaPlanner.Plan(d, ClientClassName)))
                .WithTrackingName(TrackingNames.Plan);
            var plan = planned.Select(static (p, _) => p.Plan);

            var models = plan.SelectMany(static (p, _) => p.Models.Items).WithTrackingName(TrackingNames.Models);
            context.RegisterSourceOutput(models, static (ctx, m) => ctx.AddSource(ModelEmitter.HintName(m), ModelEmitter.Emit(m)));

            var enums = plan.SelectMany(static (p, _) => p.Enums.Items).WithTrackingName(TrackingNames.Enums);
            context.RegisterSourceOutput(enums, static (ctx, e) => ctx.AddSource(EnumEmitter.HintName(e), EnumEmitter.Emit(e)));

            var builders = plan.SelectMany(static (p, _) => p.Builders.Items.Where(b => !b.IsRoot)).WithTrackingName(TrackingNames.Builders);
            context.RegisterSourceOutput(builders, static (ctx, b) => ctx.AddSource(RequestBuilderEmitter.HintName(b), RequestBuilderEmitter.Emit(b)));

            var root = plan.Select(static (p, _) => p.Root).WithTrackingName(TrackingNames.RootClient);
            context.RegisterSourceOutput(root, static (ctx, r) => ctx.AddSource(RootClientEmitter.HintName(r), RootClientEmitter.Emit(r)));

            var catalog = plan
                .Select(static (p, _) => p.Builders.Items.SelectMany(b => b.Operations.Items.Select(o => new CatalogEntryPlan(b.Ref, o))).ToEquatableArray())
                .WithTrackingName(TrackingNames.Catalog);
            context.RegisterSourceOutput(catalog, static (ctx, c) => ctx.AddSource(CatalogEmitter.HintName(), CatalogEmitter.Emit(c)));

            // The plan carries the parser's diagnostics followed by its own.
            var diagnostics = plan
                .SelectMany(static (p, _) => p.Diagnostics.Items)
                .WithTrackingName(TrackingNames.Diagnostics);
            context.RegisterSourceOutput(diagnostics, static (ctx, d) => ctx.ReportDiagnostic(DiagnosticDescriptors.ToDiagnostic(d)));

            MlflowExtrasGenerator.RegisterOutputs(context, planned);
            MlflowExtrasGenerator.RegisterUnion(context, webhookSpec.Select(static (s, ct) => OpenApiParser.Parse(s.Path, s.Text, ct)));
        }
    }

    /// <summary>The path and text of a spec file (value-equatable).</summary>
    internal sealed record SpecText(string Path, string Text);
}
