package org.telemetryhub.sim;

/** Entry point of {@code java -jar device-sim.jar}. */
public final class SimMain {

  private SimMain() {
  }

  public static void main(String[] args) {
    int code = SimCommand.commandLine().execute(args);
    if (code != SimCommand.KEEP_RUNNING) {
      System.exit(code);
    }
  }
}
