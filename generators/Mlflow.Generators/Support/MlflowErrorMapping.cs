namespace __NS__
{
    /// <summary>
    /// The error-mapping hook of the generated request builders. Every builder passes its error mapping (built from
    /// the spec's non-2xx responses) through <see cref="For"/>; hand-written code may implement the partial method
    /// <c>Customize</c> in a partial declaration of this class to add or replace entries.
    /// </summary>
    internal static partial class MlflowErrorMapping
    {
        /// <summary>Lets hand-written code adjust the error mapping of an operation.</summary>
        static partial void Customize(string operationId, global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<global::Microsoft.Kiota.Abstractions.Serialization.IParsable>> errorMapping);

        /// <summary>Returns the error mapping of an operation after the customization hook ran.</summary>
        public static global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<global::Microsoft.Kiota.Abstractions.Serialization.IParsable>> For(
            string operationId,
            global::System.Collections.Generic.Dictionary<string, global::Microsoft.Kiota.Abstractions.Serialization.ParsableFactory<global::Microsoft.Kiota.Abstractions.Serialization.IParsable>> errorMapping)
        {
            Customize(operationId, errorMapping);
            return errorMapping;
        }
    }
}
