
mod crash;
