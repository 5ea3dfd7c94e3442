namespace Mlflow.Generators.Model
{
    /// <summary>
    /// The namespaces the generated code lives in and refers to: the one place they are spelled. Planners decide
    /// names inside them (builder namespaces under <see cref="Client"/>); emitters render references with
    /// <c>Emit/TypeCode</c>.
    /// </summary>
    internal static class GeneratedNamespaces
    {
        /// <summary>The generated Kiota client (request builders, the root client, the operation catalog).</summary>
        public const string Client = "Mlflow.Client";

        /// <summary>The generated models and enums (one per component schema).</summary>
        public const string Models = Client + ".Models";

        /// <summary>The fixed runtime the models call (WireRead, WireWrite, field tables).</summary>
        public const string Serialization = Client + ".Serialization";

        /// <summary>The webhook payload union (generated into the Mlflow.Webhooks package).</summary>
        public const string Webhooks = "Mlflow.Webhooks";

        /// <summary>The facade's hand-written helpers (FacadeSupport, MlflowPageable, Page, MlflowException).</summary>
        public const string Facade = "Mlflow";
    }
}
