/** A Heed application on the module path: the facade's module is all it requires. */
module com.example.heedapp {
  requires dev.heed.assembly;
}
